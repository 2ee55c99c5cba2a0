import {
  QUEUES,
  TRANSCODE_JOBS,
  TRANSCODE_JOB_OPTIONS,
  dubJobId,
  transcodeCancelChannel,
  type DubJobData,
  type TranscodeJobData,
  type TranscodeQueueData,
} from '@reelkit/protocol';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export type TranscodeQueue = Queue<TranscodeQueueData>;

/**
 * The producer side of the `transcode` queue. It shares the server's Redis connection (a Queue
 * never blocks on it); closing the queue leaves that connection open.
 */
export function createTranscodeQueue(options: { connection: Redis; prefix: string }): TranscodeQueue {
  return new Queue<TranscodeQueueData>(QUEUES.transcode, {
    connection: options.connection,
    prefix: options.prefix,
  });
}

/**
 * Enqueues the one transcode job of a video; its id is the video id, so a second call is a no-op.
 * `priority` (1 = soonest) comes from `transcodePriority`.
 */
export async function enqueueTranscode(
  queue: TranscodeQueue,
  data: TranscodeJobData,
  priority?: number,
): Promise<void> {
  await queue.add(TRANSCODE_JOBS.transcode, data, {
    ...TRANSCODE_JOB_OPTIONS,
    jobId: data.videoId,
    ...(priority ? { priority } : {}),
  });
}

/**
 * Enqueues the `dub` job of one added audio track; its id is `dub-<trackId>`, so a second call (the
 * reconcile of a lost job) is a no-op while the first is kept.
 */
export async function enqueueDub(queue: TranscodeQueue, data: DubJobData): Promise<void> {
  await queue.add(TRANSCODE_JOBS.dub, data, { ...TRANSCODE_JOB_OPTIONS, jobId: dubJobId(data.trackId) });
}

/**
 * Withdraws a job whose work is no longer wanted (its video or track deleted): a job that is not
 * running is removed from the queue; a running one is locked by its worker, so its id goes out on
 * the cancel channel (`<prefix>:cancel`), where the worker running it aborts it through BullMQ's
 * `cancelJob` and removes what it had published. Never throws: a job that is gone or cannot be
 * removed is logged, and the caller's deletion goes on.
 */
export async function withdrawJob(
  deps: { queue: TranscodeQueue; redis: Redis; redisPrefix: string; logger: Logger },
  jobId: string,
): Promise<void> {
  try {
    const job = await deps.queue.getJob(jobId);
    if (job && (await job.getState()) !== 'active') await job.remove();
  } catch (err) {
    deps.logger.warn({ err, jobId }, 'could not remove a job');
  }
  // Also when the job was not active a moment ago: it may have started since.
  await deps.redis
    .publish(transcodeCancelChannel(deps.redisPrefix), jobId)
    .catch((err: unknown) => deps.logger.warn({ err, jobId }, 'could not announce a cancel'));
}
