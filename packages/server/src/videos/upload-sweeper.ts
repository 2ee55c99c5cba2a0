import type { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { periodicTask } from '../periodic-task.js';
import type { Video, VideoModel } from './video-model.js';

export interface UploadSweeperDeps {
  Video: VideoModel;
  /** Removes an upload's document and files (the video service's `discard`). */
  discard: (orgId: Types.ObjectId, videoId: string) => Promise<void>;
  /** Told about each upload removed (realtime events, webhooks: `video.deleted`). */
  announce?: (change: { type: 'deleted'; video: Video }) => Promise<void>;
  logger: Logger;
  now?: () => number;
  /**
   * Time an expired upload is left before removal, so a PATCH that checked the expiry just
   * before it passed can renew it. Default 10 minutes.
   */
  graceMs?: number;
  /** How often to sweep once started. Default 10 minutes. */
  everyMs?: number;
  /** Uploads removed per sweep at most (the next sweep takes the rest). Default 500. */
  batch?: number;
}

/**
 * Removes resumable uploads that expired (no new bytes for `UPLOAD_EXPIRY_S`): their parts, their
 * document, and tells the organisation the video is gone. Every server instance may run one: the
 * removal of one upload is idempotent, so two sweepers at once only do some work twice.
 */
export function createUploadSweeper(deps: UploadSweeperDeps) {
  const now = deps.now ?? Date.now;
  const graceMs = deps.graceMs ?? 10 * 60_000;

  async function sweepOnce(): Promise<number> {
    const cutoff = new Date(now() - graceMs);
    const expired = await deps.Video.find({ status: 'uploading', 'upload.expiresAt': { $lt: cutoff } })
      .sort({ 'upload.expiresAt': 1 })
      .limit(deps.batch ?? 500)
      .lean<Video[]>();
    let removed = 0;
    for (const video of expired) {
      // Re-checked at removal: a PATCH may have renewed it since the query.
      const still = await deps.Video.exists({
        _id: video._id,
        status: 'uploading',
        'upload.expiresAt': { $lt: cutoff },
      });
      if (!still) continue;
      await deps.discard(video.orgId, video._id.toHexString());
      removed++;
      deps.logger.info(
        { videoId: video._id.toHexString(), offset: video.upload?.offset, length: video.upload?.length },
        'expired upload removed',
      );
      try {
        await deps.announce?.({ type: 'deleted', video });
      } catch (err) {
        deps.logger.warn({ err, videoId: video._id.toHexString() }, 'could not announce an expired upload');
      }
    }
    return removed;
  }

  // `run()` sweeps once and resolves with the number removed.
  return periodicTask({
    name: 'upload sweep',
    everyMs: deps.everyMs ?? 10 * 60_000,
    logger: deps.logger,
    run: sweepOnce,
  });
}

export type UploadSweeper = ReturnType<typeof createUploadSweeper>;
