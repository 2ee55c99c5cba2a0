import type { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { periodicTask } from '../periodic-task.js';
import type { WithLock } from '../redis-lock.js';
import { enqueueTranscode, type TranscodeQueue } from '../videos/transcode-queue.js';
import type { Video, VideoModel } from '../videos/video-model.js';

export interface StorageFullRetryDeps {
  Video: VideoModel;
  queue: TranscodeQueue;
  /** The per-video lock results are applied under (`video:<id>`). */
  withLock: WithLock;
  logger: Logger;
  /** How often to look for videos that failed on a full volume. */
  everyMs: number;
  /** Videos retried per run at most (the next run takes the rest). Default 100. */
  batch?: number;
}

/**
 * Puts videos whose transcode failed with `storage_full` back in the queue: the document back to
 * `queued`, then the job's own retry (or a new job with the same id when BullMQ dropped it). A
 * volume still full fails them again at once, with the same code, so retrying on a timer is how
 * "once there is room" is found without any process knowing the free space of every volume.
 * `run(orgId)` is the admin's "retry now" for one organisation.
 */
export function createStorageFullRetry(deps: StorageFullRetryDeps) {
  const { Video, queue, logger } = deps;

  /**
   * The job first, then the document, under the lock results are applied under: a result of the
   * retried job waits for the document to be open again, and a reconciliation that still sees the
   * old failure finds the document closed.
   */
  async function retryOne(video: Video): Promise<boolean> {
    const sourceKey = video.source?.key;
    if (!sourceKey) return false;
    const videoId = video._id.toHexString();
    const still = {
      _id: video._id,
      orgId: video.orgId,
      status: 'failed' as const,
      'error.code': 'storage_full',
    };
    return deps.withLock(`video:${videoId}`, async () => {
      if (!(await Video.exists(still))) return false; // retried meanwhile
      const job = await queue.getJob(videoId);
      if (!job) {
        const originalName = video.source?.originalName;
        await enqueueTranscode(queue, {
          orgId: video.orgId.toHexString(),
          videoId,
          sourceKey,
          ...(originalName ? { originalName } : {}),
        });
      } else if ((await job.getState()) === 'failed') await job.retry('failed', { resetAttemptsMade: true });
      await Video.updateOne(still, {
        $set: { status: 'queued', progress: { stage: 'queued', percent: 0 } },
        $unset: { error: 1 },
      });
      logger.info({ videoId }, 'video that hit a full volume queued again');
      return true;
    });
  }

  async function retryAll(orgId?: Types.ObjectId): Promise<number> {
    const failed = await Video.find({
      ...(orgId ? { orgId } : {}),
      status: 'failed',
      'error.code': 'storage_full',
    })
      .limit(deps.batch ?? 100)
      .lean<Video[]>();
    let retried = 0;
    for (const video of failed) if (await retryOne(video)) retried++;
    return retried;
  }

  const task = periodicTask({
    name: 'storage-full retry',
    everyMs: deps.everyMs,
    logger,
    run: () => retryAll(),
  });
  return { ...task, retryOrg: retryAll };
}

export type StorageFullRetry = ReturnType<typeof createStorageFullRetry>;
