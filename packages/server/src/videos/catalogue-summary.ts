import { VIDEO_STATUSES, type Video, type VideoStatus, type Visibility } from './video-model.js';
import { titleTokens } from './title-tokens.js';

/** What the summary reads of a video. */
export type SummarySource = Pick<Video, 'title' | 'status' | 'visibility'> & {
  metadata?: { duration?: number | null } | undefined;
  source?: { size?: number } | undefined;
};

/**
 * What the index keeps of one video, as stored in Redis (JSON): the sets it belongs to and what
 * it adds to the stats. Sums are integers (microseconds, bytes) as decimal strings, so Redis adds
 * and subtracts them exactly.
 */
export interface CatalogueSummary {
  s: VideoStatus;
  v: Visibility;
  t: string[];
  /** Duration in microseconds. */
  d: string;
  /** Source bytes. */
  b: string;
}

export function summaryOf(video: SummarySource): CatalogueSummary {
  const duration = video.metadata?.duration;
  const size = video.source?.size;
  return {
    s: video.status,
    v: video.visibility,
    t: titleTokens(video.title),
    d: String(typeof duration === 'number' && duration > 0 ? Math.round(duration * 1e6) : 0),
    b: String(typeof size === 'number' && size > 0 ? Math.round(size) : 0),
  };
}

export interface StatsTotals {
  count: number;
  durationSeconds: number;
  bytes: number;
}

/**
 * `GET /v1/videos/stats` from the counters hash (`<status>:n|d|b`): the statuses that have videos,
 * in alphabetical order, and their total — the shape the aggregation gives.
 */
export function statsFromCounters(counters: Record<string, string>): {
  byStatus: Array<{ status: VideoStatus } & StatsTotals>;
  total: StatsTotals;
} {
  const num = (k: string) => Number(counters[k] ?? 0);
  const byStatus = [...VIDEO_STATUSES]
    .sort()
    .map((status) => ({
      status,
      count: num(`${status}:n`),
      durationSeconds: num(`${status}:d`) / 1e6,
      bytes: num(`${status}:b`),
    }))
    .filter((r) => r.count > 0);
  const total = { count: 0, durationSeconds: 0, bytes: 0 };
  for (const r of byStatus) {
    total.count += r.count;
    total.bytes += r.bytes;
  }
  // Summed in microseconds, so the total is exact whatever the order.
  total.durationSeconds = byStatus.reduce((sum, r) => sum + Math.round(r.durationSeconds * 1e6), 0) / 1e6;
  return { byStatus, total };
}
