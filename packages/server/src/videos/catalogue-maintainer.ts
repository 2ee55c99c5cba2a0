import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { periodicTask } from '../periodic-task.js';
import { createCatalogueIndex, type RebuildReport } from './catalogue-index.js';
import type { VideoModel } from './video-model.js';

export interface CatalogueMaintainerDeps {
  Video: VideoModel;
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** How often to check that the index is ready (Redis may have restarted). Default 30 s. */
  checkEveryMs?: number;
  /**
   * How often, across every instance, the whole index is reconciled with the database (streamed
   * again; wrong entries corrected, missing videos dropped). Default 6 hours.
   */
  reconcileEveryMs?: number;
}

/**
 * Keeps the catalogue index whole. Every `checkEveryMs` each server instance refreshes the videos
 * a write could not follow (`<prefix>:cat:dirty`) and looks at `<prefix>:cat:ready`: when it is missing (first start, Redis restarted or flushed, a write the
 * index could not follow) one instance rebuilds the index from the database in the background
 * while every instance answers from the database. Once every `reconcileEveryMs` (one instance,
 * elected by a Redis key) the index is reconciled with the database the same way.
 */
export function createCatalogueMaintainer(deps: CatalogueMaintainerDeps) {
  const { redis, logger } = deps;
  const index = createCatalogueIndex(deps);
  const reconcileEveryMs = deps.reconcileEveryMs ?? 6 * 3_600_000;
  const dueKey = `${deps.prefix}:cat:reconciled`;

  async function check(): Promise<RebuildReport | null> {
    const ready = await index.isReady();
    // Taken by one instance per period; a rebuild counts as a reconciliation.
    const due = (await redis.set(dueKey, new Date().toISOString(), 'PX', reconcileEveryMs, 'NX')) === 'OK';
    if (ready && !due) {
      const dirty = await index.refreshDirty();
      if (dirty > 0) logger.info({ dirty }, 'catalogue index: refreshed videos a write could not follow');
      return null;
    }
    const report = await index.rebuild();
    if (report.ran)
      logger[report.corrected > 0 && ready ? 'warn' : 'info'](
        report,
        ready ? 'catalogue index reconciled' : 'catalogue index rebuilt',
      );
    return report;
  }

  const task = periodicTask({
    name: 'catalogue index',
    everyMs: deps.checkEveryMs ?? 30_000,
    logger,
    run: check,
  });
  return {
    /** Checks now and then every `checkEveryMs`, in the background. */
    start: task.start,
    close: task.close,
    /** One check now: rebuilds when the index is not ready (what `start()` does at once). */
    check: task.run,
    index,
  };
}

export type CatalogueMaintainer = ReturnType<typeof createCatalogueMaintainer>;
