import {
  QUEUES,
  parseTranscodeFailure,
  trackIdOfDubJob,
  type TranscodeFailure,
  type TranscodeProgress,
  type TranscodeResult,
} from '@reelkit/protocol';
import type { Storage } from '@reelkit/storage';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { DubResults } from './dub-results.js';
import type { WithLock } from '../redis-lock.js';
import { closeRedis, duplicateRedis } from '../redis.js';
import { enqueueTranscode, type TranscodeQueue } from '../videos/transcode-queue.js';
import type { Video, VideoModel } from '../videos/video-model.js';
import { replaceSourceCaptions } from '../videos/caption-list.js';
import {
  failedUpdate,
  parseProgress,
  progressUpdate,
  readyUpdate,
  storedSourceCaptions,
} from './apply-result.js';

/** What changed, for realtime events and webhooks. */
export type VideoChange =
  | { type: 'processing'; video: Video }
  | { type: 'progress'; video: Video; progress: TranscodeProgress }
  | { type: 'ready'; video: Video; result: TranscodeResult }
  | { type: 'failed'; video: Video; failure: TranscodeFailure };

export interface TranscodeResultsDeps {
  Video: VideoModel;
  queue: TranscodeQueue;
  /** A connection QueueEvents may block on (it is duplicated, never used for commands). */
  redis: Redis;
  prefix: string;
  storage: Storage;
  withLock: WithLock;
  logger: Logger;
  /** Called once per change, by the instance that applied it. */
  onChange?: (change: VideoChange) => void | Promise<void>;
  /** The results of `dub` jobs (job ids `dub-<trackId>`), which share the queue. */
  dubs?: DubResults;
  /** How often to look for results that finished while no server listened (ms). */
  reconcileEveryMs?: number;
  /**
   * An open video with no job that has not changed for this long lost its job (a crash between
   * the upload's document and its job, or Redis lost it): the job is enqueued again. Default 60 s.
   */
  lostJobAfterMs?: number;
  now?: () => number;
  /**
   * The longest one application of an event, or one video's reconciliation, may take (ms; default
   * 60 s). Past it the step is given up (it is applied again by the next event or reconciliation —
   * every application is idempotent), so one operation that never settles (a database reply lost
   * in a restart) cannot hold up the job's later events or every later reconciliation.
   */
  applyTimeoutMs?: number;
}

/** `work`, or a rejection once `ms` have passed without it settling. */
export function settleWithin<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const OPEN = ['queued', 'processing'] as const;

/** How soon a failed first reconciliation (at start) is tried again, at most. */
const FIRST_RECONCILE_RETRY_MS = 5_000;

/** Where a job starts: the `processing` change announces it (as `video:progress`), once. */
const START_PROGRESS = { stage: 'probe', percent: 0 } as const satisfies TranscodeProgress;

/** Pure: true for the worker's first progress report, which the job's `active` event already covered. */
export function isStartProgress(progress: TranscodeProgress): boolean {
  return progress.stage === START_PROGRESS.stage && Math.round(progress.percent) === START_PROGRESS.percent;
}

type OpenVideo = Pick<Video, '_id' | 'orgId' | 'status' | 'source' | 'updatedAt'>;

/**
 * Applies transcode progress and results to video documents. The transcoder never touches MongoDB:
 * it reports progress through BullMQ and returns its result, which BullMQ keeps with the completed
 * (or failed) job. This listens to the queue's events on every server instance and, at start and
 * then every minute, reconciles open videos with their jobs — so a result that finished while no
 * server was running reaches the database when one starts. Every application is conditional on the
 * video still being open and runs under a per-video lock, so it happens once however many instances
 * see it, and only the instance that applied it announces the change.
 */
export function createTranscodeResults(deps: TranscodeResultsDeps) {
  const { Video, queue, storage, logger } = deps;
  const now = deps.now ?? Date.now;
  const lostJobAfterMs = deps.lostJobAfterMs ?? 60_000;
  const applyTimeoutMs = deps.applyTimeoutMs ?? 60_000;
  let events: QueueEvents | undefined;
  let eventsConnection: Redis | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** A failed first reconciliation's retry. */
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const announce = async (change: VideoChange) => {
    try {
      await deps.onChange?.(change);
    } catch (err) {
      logger.warn({ err, videoId: String(change.video._id) }, 'could not announce a video change');
    }
  };

  async function applyOpen(
    videoId: string,
    update: object,
    change: (v: Video) => VideoChange | null,
  ): Promise<void> {
    if (!/^[0-9a-f]{24}$/.test(videoId)) return;
    await deps.withLock(`video:${videoId}`, async () => {
      const res = await Video.updateOne({ _id: videoId, status: { $in: OPEN } }, update);
      if (res.modifiedCount !== 1) return;
      const video = await Video.findById(videoId).lean<Video>();
      const c = video ? change(video) : null;
      if (c) await announce(c);
    });
  }

  async function complete(videoId: string, result: TranscodeResult): Promise<void> {
    const mp4 = await storage.stat(result.mp4Key).catch(() => null);
    const ready = (video: Video): VideoChange => ({ type: 'ready', video, result });
    const fromSource = result.captions;
    if (!fromSource || !/^[0-9a-f]{24}$/.test(videoId)) {
      await applyOpen(videoId, readyUpdate(result, mp4), ready);
    } else {
      // The source's captions join the list the caption routes edit, under the same lock: they
      // replace the source's earlier ones (a re-transcode) and leave uploaded ones alone.
      await deps.withLock(`captions:${videoId}`, async () => {
        const current = await Video.findById(videoId).select('captions').lean<Pick<Video, 'captions'>>();
        const addedAt = new Date(now());
        const { list, stale } = replaceSourceCaptions(
          current?.captions ?? [],
          storedSourceCaptions(videoId, fromSource, addedAt),
        );
        let applied = false;
        await applyOpen(videoId, readyUpdate(result, mp4, list), (video) => {
          applied = true;
          return ready(video);
        });
        if (applied) await Promise.all(stale.map((c) => storage.deletePrefix(c.key)));
      });
    }
    logger.info({ videoId }, 'video ready');
  }

  async function fail(videoId: string, failedReason: string | undefined): Promise<void> {
    const failure = parseTranscodeFailure(failedReason);
    await applyOpen(videoId, failedUpdate(failure), (video) => ({ type: 'failed', video, failure }));
    logger.info({ videoId, code: failure.code }, 'video failed');
  }

  /**
   * Applies whatever the job of one open video says now. With no job at all, once the video has
   * not changed for `lostJobAfterMs`, the job is enqueued again from the document (same job id, so
   * this is a no-op if the upload route enqueues it at the same moment).
   */
  async function reconcileOne(video: OpenVideo): Promise<void> {
    const videoId = String(video._id);
    const job = await queue.getJob(videoId);
    if (!job) {
      const changedAt = video.updatedAt.getTime();
      if (!video.source?.key || changedAt > now() - lostJobAfterMs) return;
      await enqueueTranscode(queue, {
        orgId: video.orgId.toHexString(),
        videoId,
        sourceKey: video.source.key,
        ...(video.source.originalName ? { originalName: video.source.originalName } : {}),
      });
      logger.warn({ videoId, status: video.status }, 'the transcode job was lost; enqueued it again');
      return;
    }
    const state = await job.getState();
    if (state === 'completed' && job.returnvalue) await complete(videoId, job.returnvalue as TranscodeResult);
    else if (state === 'failed') await fail(videoId, job.failedReason);
  }

  let reconciling: Promise<void> | undefined;
  /** One reconciliation at a time; `close()` waits for the one in progress. */
  function reconcile(): Promise<void> {
    reconciling ??= reconcileAll().finally(() => (reconciling = undefined));
    return reconciling;
  }

  async function reconcileAll(): Promise<void> {
    const open = await settleWithin(
      Video.find({ status: { $in: OPEN } })
        .select('_id orgId status source updatedAt')
        .sort({ _id: 1 })
        .limit(1000)
        .lean<OpenVideo[]>()
        .exec(),
      applyTimeoutMs,
      'the open videos query',
    );
    for (const video of open) {
      if (closed) return;
      await settleWithin(reconcileOne(video), applyTimeoutMs, 'reconciling a video').catch((err: unknown) =>
        logger.warn({ err, videoId: String(video._id) }, 'reconcile failed'),
      );
    }
    if (!closed && deps.dubs) await settleWithin(deps.dubs.reconcile(), applyTimeoutMs, 'reconciling dubs');
  }

  const guard = (what: string, fn: () => Promise<void>) => {
    fn().catch((err: unknown) => logger.warn({ err }, `could not apply ${what}`));
  };

  /**
   * A job's events are applied one after another, in the order QueueEvents delivered them: each
   * is a database write then an announcement, so run side by side a fast worker's `progress`
   * could be announced before the `active` that came first.
   */
  const chains = new Map<string, Promise<void>>();
  const inOrder = (jobId: string, what: string, fn: () => Promise<void>) => {
    const next = (chains.get(jobId) ?? Promise.resolve())
      .then(() => settleWithin(fn(), applyTimeoutMs, what))
      .catch((err: unknown) => logger.warn({ err, jobId }, `could not apply ${what}`));
    chains.set(jobId, next);
    void next.then(() => {
      if (chains.get(jobId) === next) chains.delete(jobId);
    });
  };

  function listen(q: QueueEvents): void {
    q.on('active', ({ jobId }) =>
      inOrder(jobId, 'job start', () =>
        applyOpen(jobId, { $set: { status: 'processing', progress: START_PROGRESS } }, (video) =>
          video.status === 'processing' ? { type: 'processing', video } : null,
        ),
      ),
    );
    q.on('progress', ({ jobId, data }) => {
      const progress = parseProgress(data);
      // The worker reports {probe, 0} as it starts, right after `active`, which announced just that.
      if (!progress || isStartProgress(progress)) return;
      inOrder(jobId, 'progress', async () => {
        if (!/^[0-9a-f]{24}$/.test(jobId)) return;
        // Progress is frequent and not worth a lock; last writer wins, and it is only a hint.
        const res = await Video.updateOne({ _id: jobId, status: { $in: OPEN } }, progressUpdate(progress));
        if (res.modifiedCount !== 1) return;
        const video = await Video.findById(jobId).lean<Video>();
        if (video) await announce({ type: 'progress', video, progress });
      });
    });
    q.on('completed', ({ jobId, returnvalue }) =>
      inOrder(jobId, 'a result', async () => {
        if (trackIdOfDubJob(jobId)) return deps.dubs?.completed(jobId, returnvalue);
        const result = (
          typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue
        ) as TranscodeResult;
        if (result && typeof result === 'object' && 'renditions' in result) await complete(jobId, result);
      }),
    );
    q.on('failed', ({ jobId, failedReason }) =>
      inOrder(jobId, 'a failure', async () => {
        if (trackIdOfDubJob(jobId)) return deps.dubs?.failed(jobId);
        // `failed` fires for every attempt; only the last one (no retry scheduled) is final.
        const job = await queue.getJob(jobId);
        if (job && (await job.getState()) === 'failed') await fail(jobId, failedReason);
      }),
    );
  }

  return {
    reconcile,
    /** Starts listening and reconciling; after `close()` it may be started again. */
    async start(): Promise<void> {
      if (events) return;
      closed = false;
      // BullMQ leaves a connection it is given open on close: this one is closed below.
      eventsConnection = duplicateRedis(deps.redis, 'reelkit-transcode-events', logger);
      events = new QueueEvents(QUEUES.transcode, { connection: eventsConnection, prefix: deps.prefix });
      events.on('error', (err) => logger.warn({ err: err.message }, 'transcode events: redis error'));
      listen(events);
      await events.waitUntilReady();
      const every = deps.reconcileEveryMs ?? 60_000;
      timer = setInterval(() => guard('reconciliation', reconcile), every);
      timer.unref();
      // The first reconciliation runs now, but does not decide whether the server starts: a
      // database restart while it runs (seen in the soak, ~20 s into a restarted API's life) made
      // `start()` reject and the process exit. It is retried soon instead, then every `every` ms.
      await reconcile().catch((err: unknown) => {
        const soon = Math.min(every, FIRST_RECONCILE_RETRY_MS);
        logger.warn({ err }, `could not apply reconciliation; retrying in ${soon} ms`);
        retry = setTimeout(() => guard('reconciliation', reconcile), soon);
        retry.unref();
      });
    },
    async close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      clearTimeout(retry);
      const q = events;
      const connection = eventsConnection;
      events = undefined;
      eventsConnection = undefined;
      // Without Redis, BullMQ 6's QueueEvents.close waits for ever on the connection it was
      // given: cut that connection and give the close a bound (nothing is left to read anyway).
      const up = connection?.status === 'ready';
      if (connection && !up) connection.disconnect();
      const closing = q
        ?.close()
        .catch((err: unknown) => logger.warn({ err }, 'transcode events: close failed'));
      await Promise.all([
        up ? closing : Promise.race([closing, sleep(1_000, undefined, { ref: false })]),
        reconciling?.catch(() => undefined),
      ]);
      if (connection) await closeRedis(connection);
    },
  };
}

export type TranscodeResults = ReturnType<typeof createTranscodeResults>;
