import {
  QUEUES,
  TRANSCODE_JOBS,
  TRANSCODE_JOB_OPTIONS,
  dubJobId,
  type DubJobData,
  type TranscodeJobData,
  type TranscodeQueueData,
} from '@reelkit/protocol';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

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
