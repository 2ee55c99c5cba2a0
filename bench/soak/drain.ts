// The end of a soak run: the load has stopped, and every uploaded video must reach a final state.
// A busy machine transcodes slowly, so the drain does not stop at a fixed time: it waits while
// the queue still moves (a job started, finished or failed, a video became final) and gives up
// only after a long quiet spell or a generous overall bound. What it saw of each video still open
// (its job's state, attempts, stalls) goes into the report. `drainStep` is pure.
import { QUEUES } from '@reelkit/protocol';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export interface DrainState {
  /** Uploaded videos not yet ready or failed, as the API shows them. */
  open: number;
  /** Jobs waiting, prioritized, delayed (a retry's backoff) or running. */
  pending: number;
  /** Jobs completed or failed so far (moves whenever the workers get anywhere). */
  settled: number;
}

export interface DrainBounds {
  /** Give up after this long without any change of the state. */
  quietMs: number;
  /** Give up after this long whatever happens. */
  budgetMs: number;
}

export const DRAIN_BOUNDS: DrainBounds = { quietMs: 240_000, budgetMs: 900_000 };

const same = (a: DrainState, b: DrainState) =>
  a.open === b.open && a.pending === b.pending && a.settled === b.settled;

/**
 * Whether the drain is over, from the states seen so far (oldest first, `at` in ms since it
 * began): `done` once no video is open and no job pending, `gave-up` past a bound, else `wait`.
 */
export function drainStep(
  seen: readonly { at: number; state: DrainState }[],
  bounds: DrainBounds,
): 'done' | 'wait' | 'gave-up' {
  const last = seen.at(-1);
  if (!last) return 'wait';
  if (last.state.open === 0 && last.state.pending === 0) return 'done';
  if (last.at >= bounds.budgetMs) return 'gave-up';
  let changedAt = seen[0]!.at;
  for (let i = 1; i < seen.length; i++)
    if (!same(seen[i]!.state, seen[i - 1]!.state)) changedAt = seen[i]!.at;
  return last.at - changedAt >= bounds.quietMs ? 'gave-up' : 'wait';
}

/** The soak stack's transcode queue, read-only: counts and a job's story. */
export class QueueProbe {
  private readonly connection: Redis;
  private readonly queue: Queue;
  constructor(redisUrl: string, prefix: string) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.connection.on('error', () => undefined); // a Redis restart is a fault of the run, not ours
    this.queue = new Queue(QUEUES.transcode, { connection: this.connection, prefix });
    this.queue.on('error', () => undefined);
  }

  async counts(): Promise<{ pending: number; settled: number }> {
    const c = await this.queue.getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    return {
      pending: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) + (c.active ?? 0),
      settled: (c.completed ?? 0) + (c.failed ?? 0),
    };
  }

  /** What the queue says of a video's job: state, attempts, stalls, last failure. */
  async story(videoId: string): Promise<string> {
    const job = await this.queue.getJob(videoId);
    if (!job) return 'no job in the queue';
    const state = await job.getState();
    const parts = [`job ${state}`, `attempts ${job.attemptsMade}`, `stalled ${job.stalledCounter}`];
    if (job.processedOn) parts.push(`last started ${new Date(job.processedOn).toISOString()}`);
    if (job.finishedOn) parts.push(`finished ${new Date(job.finishedOn).toISOString()}`);
    if (job.failedReason) parts.push(`reason ${JSON.stringify(job.failedReason.slice(0, 120))}`);
    return parts.join(', ');
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
