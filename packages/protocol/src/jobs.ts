import type { AudioRendition, TranscodeResult } from './transcode-result.js';
import type { VideoMetadata } from './video-metadata.js';

/** BullMQ queue names. Producers and workers import them from here, never spell them. */
export const QUEUES = {
  transcode: 'transcode',
} as const;

/** Job names inside the `transcode` queue. */
export const TRANSCODE_JOBS = {
  /** Runs ffprobe only and returns the metadata (health checks, tests, re-probing). */
  probe: 'probe',
  /** The whole pipeline: probe, guard, thumbnails, HLS ladder, progressive MP4, sensitivity. */
  transcode: 'transcode',
  /** One added audio track (a dub) of a ready video: encodes it as an AAC rendition, no more. */
  dub: 'dub',
} as const;

/**
 * Options every `transcode` job is added with: 3 attempts, exponential backoff from 5 s. The job id
 * is always the video id, so enqueueing twice is a no-op.
 */
export const TRANSCODE_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/** Payload of a `transcode` job: ids and storage keys only. */
export interface TranscodeJobData {
  orgId: string;
  videoId: string;
  /** Storage key of the uploaded source, `<orgId>/<videoId>/source`. */
  sourceKey: string;
  /** The file name the uploader gave, for the sensitivity score only; never used in paths. */
  originalName?: string;
}

/**
 * A job payload carries ids and storage keys, never secrets or absolute paths: the worker resolves
 * keys against its own storage driver.
 */
export interface ProbeJobData {
  orgId: string;
  videoId: string;
  /** Storage key of the source file, e.g. `<orgId>/<videoId>/source`. */
  sourceKey: string;
}

export type ProbeJobResult = VideoMetadata;

/** Payload of a `dub` job: ids and storage keys only, like every job. */
export interface DubJobData {
  orgId: string;
  videoId: string;
  /** The new track's id (24 hex digits): its rendition is written to `hls/audio/<trackId>/`. */
  trackId: string;
  /** Storage key of the uploaded audio file, `<orgId>/<videoId>/dubs/<trackId>`. */
  sourceKey: string;
  language: string;
  label: string;
}

/**
 * What a `dub` job returns: the rendition as written and measured (segments, init segment and
 * media playlist published). The server then adds it to the master playlist and the video.
 */
export type DubJobResult = AudioRendition;

/**
 * The id of a video's `dub` job for one track: `dub-<trackId>`. Never a bare video id, so the
 * results applier tells a dub's events from the video's own transcode.
 */
export function dubJobId(trackId: string): string {
  return `dub-${trackId}`;
}

/** The track id of a `dub` job id, or null for any other job id. */
export function trackIdOfDubJob(jobId: string): string | null {
  return /^dub-([0-9a-f]{24})$/.exec(jobId)?.[1] ?? null;
}

/**
 * Every job of the `transcode` queue by name: its payload and what it returns. Producers and the
 * worker type `Queue`/`Worker` and the worker's handler map from it.
 */
export interface TranscodeQueueJobs {
  [TRANSCODE_JOBS.probe]: { data: ProbeJobData; result: ProbeJobResult };
  [TRANSCODE_JOBS.transcode]: { data: TranscodeJobData; result: TranscodeResult };
  [TRANSCODE_JOBS.dub]: { data: DubJobData; result: DubJobResult };
}

/** A job name of the `transcode` queue. */
export type TranscodeJobName = keyof TranscodeQueueJobs;
/** Any payload of the `transcode` queue. */
export type TranscodeQueueData = TranscodeQueueJobs[TranscodeJobName]['data'];
/** Anything a `transcode` queue job returns. */
export type TranscodeQueueResult = TranscodeQueueJobs[TranscodeJobName]['result'];
