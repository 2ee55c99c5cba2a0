import {
  QUEUES,
  TRANSCODE_JOBS,
  type ProbeJobData,
  type ProbeJobResult,
  type TranscodeJobData,
  type TranscodeProgress,
  type TranscodeResult,
} from '@reelkit/protocol';
import type { Storage } from '@reelkit/storage';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { listenForCancels, type CancelListener } from './cancel-listener.js';
import type { TranscoderConfig } from './config.js';
import { throttle, type ThrottleState } from './parse-progress.js';
import { ProbeError, probeFile } from './probe.js';
import { TranscodeJobError, transcodeVideo } from './transcode-video.js';

/** What {@link createTranscodeWorker} needs. */
export interface WorkerDeps {
  config: TranscoderConfig;
  /** A connection with `maxRetriesPerRequest: null`, as BullMQ workers require. */
  connection: Redis;
  storage: Storage;
  logger: Logger;
}

/** The BullMQ worker of the `transcode` queue, with its cancel subscription. */
export type TranscodeWorker = Worker & {
  /** Resolves once the worker listens on the cancel channel (`<prefix>:cancel`). */
  cancelListenerReady: Promise<void>;
  /**
   * Stops every running `transcode` job (killing its ffmpeg) and moves it back to the waiting list
   * at once, without using up an attempt, for another worker to start again. Used by
   * {@link closeWorker} when running jobs do not finish in time.
   */
  giveBackRunningJobs(): number;
};

/** Abort reason of a job handed back on shutdown. */
class GiveBack extends Error {
  constructor() {
    super('the worker is shutting down');
    this.name = 'GiveBack';
  }
}

function sourcePath(storage: Storage, key: string): string {
  const path = storage.localPath(key);
  if (!path) throw new UnrecoverableError('this worker needs a storage driver with local paths');
  return path;
}

/**
 * Creates the BullMQ worker of the `transcode` queue. It starts consuming at once, and subscribes
 * (on a duplicate of `connection`) to `<prefix>:cancel`: a published video id aborts that video's
 * running job, killing its ffmpeg, and fails it with `cancelled: …`. A job running longer than
 * JOB_TIMEOUT_MS is killed the same way and fails with `transcode_timeout: …`.
 */
export function createTranscodeWorker(deps: WorkerDeps): TranscodeWorker {
  const { config, storage, logger } = deps;
  // videoId → controllers of the jobs running for it in this process.
  const running = new Map<string, Set<AbortController>>();

  const runTranscode = async (
    job: Job,
    token: string | undefined,
    log: Logger,
    bullSignal?: AbortSignal,
  ): Promise<TranscodeResult> => {
    const data = job.data as TranscodeJobData;
    const controller = new AbortController();
    const onBullAbort = () =>
      controller.abort(new TranscodeJobError('cancelled', 'the worker cancelled the job'));
    bullSignal?.addEventListener('abort', onBullAbort, { once: true });
    const timer = setTimeout(
      () =>
        controller.abort(
          new TranscodeJobError('transcode_timeout', `the job ran longer than ${config.JOB_TIMEOUT_MS} ms`),
        ),
      config.JOB_TIMEOUT_MS,
    );
    const set = running.get(data.videoId) ?? new Set();
    set.add(controller);
    running.set(data.videoId, set);
    let state: ThrottleState = { lastAt: null, lastValue: null };
    const onProgress = (p: TranscodeProgress) => {
      const next = throttle(state, Date.now(), `${p.stage}:${p.percent}`);
      state = next.state;
      if (next.emit)
        job
          .updateProgress(p)
          .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'progress not saved'));
    };
    try {
      const result = await transcodeVideo(
        data,
        { jobId: job.id ?? data.videoId, signal: controller.signal, onProgress, logger: log },
        { config, storage },
      );
      log.info({ videoId: data.videoId, durations: result.durations }, 'transcoded');
      return result;
    } catch (err) {
      if (controller.signal.reason instanceof GiveBack) {
        await job.moveToWait(token);
        log.info({ videoId: data.videoId }, 'job handed back');
        // Tells BullMQ the job was moved on purpose: not a failure, no attempt used.
        throw new WaitingError();
      }
      if (err instanceof TranscodeJobError) {
        log.warn({ videoId: data.videoId, code: err.code, err: err.message }, 'transcode failed');
        // A bad source, a timeout or a cancel will not go better on a retry.
        if (err.permanent) throw new UnrecoverableError(err.message);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      bullSignal?.removeEventListener('abort', onBullAbort);
      set.delete(controller);
      if (set.size === 0) running.delete(data.videoId);
    }
  };

  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> => {
    const log = logger.child({ jobId: job.id, name: job.name });
    switch (job.name) {
      case TRANSCODE_JOBS.probe: {
        const data = job.data as ProbeJobData;
        try {
          const metadata: ProbeJobResult = await probeFile(sourcePath(storage, data.sourceKey), {
            ffprobePath: config.FFPROBE_PATH,
          });
          log.info({ videoId: data.videoId, metadata }, 'probed');
          return metadata;
        } catch (err) {
          // A file ffprobe cannot read will not become readable on a retry.
          if (err instanceof ProbeError) throw new UnrecoverableError(err.message);
          throw err;
        }
      }
      case TRANSCODE_JOBS.transcode:
        return runTranscode(job, token, log, signal);
      default:
        throw new UnrecoverableError(`unknown job name ${job.name}`);
    }
  };

  const worker = new Worker(QUEUES.transcode, processor, {
    connection: deps.connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.LOCK_DURATION_MS,
    stalledInterval: config.LOCK_DURATION_MS,
  }) as TranscodeWorker;

  const cancels: CancelListener = listenForCancels(
    deps.connection.duplicate(),
    config.REDIS_PREFIX,
    (videoId) => {
      const controllers = running.get(videoId);
      if (!controllers) return;
      logger.info({ videoId, jobs: controllers.size }, 'cancelling');
      for (const c of controllers)
        c.abort(new TranscodeJobError('cancelled', `video ${videoId} was cancelled`));
    },
    logger,
  );
  worker.cancelListenerReady = cancels.ready;
  worker.giveBackRunningJobs = () => {
    let n = 0;
    for (const controllers of running.values())
      for (const c of controllers) {
        c.abort(new GiveBack());
        n++;
      }
    return n;
  };
  worker.on('closed', () => void cancels.close());
  return worker;
}

/** How long {@link closeWorker} waits for handed-back jobs to wind down (ffmpeg's kill grace and more). */
const GIVE_BACK_WAIT_MS = 5_000;

/**
 * Stops taking jobs and waits for the running ones up to `timeoutMs`. After that, a
 * {@link TranscodeWorker} kills its running transcodes and hands their jobs back to the waiting
 * list for another worker (no attempt used); any other job is left to its lock expiring
 * (LOCK_DURATION_MS), after which another worker picks it up as stalled.
 */
export async function closeWorker(worker: Worker, timeoutMs: number): Promise<{ forced: boolean }> {
  const graceful = worker.close().then(() => false);
  const forced = await Promise.race([graceful, delay(timeoutMs, true)]);
  if (forced) {
    if ('giveBackRunningJobs' in worker) (worker as TranscodeWorker).giveBackRunningJobs();
    await Promise.race([graceful, delay(GIVE_BACK_WAIT_MS, true)]);
  }
  return { forced };
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}
