import type { Storage } from '@reelkit/storage';
import { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { periodicTask } from '../periodic-task.js';
import type { VideoModel } from './video-model.js';

const OBJECT_ID_PREFIX = /^[0-9a-f]{24}\/$/;

export interface StorageJanitorDeps {
  Video: VideoModel;
  storage: Storage;
  logger: Logger;
  now?: () => number;
  /**
   * A video folder is an orphan only when no document has its id and the id (made when the
   * upload began) is older than this: an upload still streaming has no document yet. Default 48 h.
   */
  minAgeMs?: number;
  /** How often to sweep once started. Default 1 hour. */
  everyMs?: number;
}

/**
 * Removes video folders that no document owns: what a server killed in the middle of a multipart
 * upload leaves (a `.part` file, or a `source` whose document was never written), or what a
 * transcoder wrote for a video deleted meanwhile. It lists organisations and their video folders
 * only (never their files) and asks the database about ids in batches. Removal is idempotent, so
 * every instance may run one.
 */
export function createStorageJanitor(deps: StorageJanitorDeps) {
  const { Video, storage, logger } = deps;
  const now = deps.now ?? Date.now;
  const minAgeMs = deps.minAgeMs ?? 48 * 3_600_000;

  async function removeOrphans(prefixes: string[]): Promise<number> {
    if (prefixes.length === 0) return 0;
    const ids = prefixes.map((p) => p.slice(-25, -1));
    const owned = new Set(
      (
        await Video.find({ _id: { $in: ids } })
          .select('_id')
          .lean()
      ).map((v) => String(v._id)),
    );
    let removed = 0;
    for (const prefix of prefixes) {
      if (owned.has(prefix.slice(-25, -1))) continue;
      await storage.deletePrefix(prefix);
      removed++;
      logger.info({ prefix }, 'orphaned video files removed');
    }
    return removed;
  }

  async function sweepOnce(): Promise<number> {
    const cutoff = now() - minAgeMs;
    let removed = 0;
    for (const org of await storage.listPrefixes('')) {
      if (!OBJECT_ID_PREFIX.test(org)) continue;
      const old = (await storage.listPrefixes(org)).filter((video) => {
        const name = video.slice(org.length);
        return (
          OBJECT_ID_PREFIX.test(name) &&
          new Types.ObjectId(name.slice(0, 24)).getTimestamp().getTime() < cutoff
        );
      });
      for (let i = 0; i < old.length; i += 500) removed += await removeOrphans(old.slice(i, i + 500));
    }
    return removed;
  }

  // `run()` sweeps once and resolves with the number removed.
  return periodicTask({
    name: 'storage sweep',
    everyMs: deps.everyMs ?? 3_600_000,
    logger: deps.logger,
    run: sweepOnce,
  });
}

export type StorageJanitor = ReturnType<typeof createStorageJanitor>;
