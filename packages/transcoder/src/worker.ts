import {
  QUEUES,
  describeTranscodeFailure,
  formatTranscodeFailure,
  type TranscodeJobName,
  type TranscodeProgress,
  type TranscodeQueueData,
  type TranscodeQueueJobs,
  type TranscodeQueueResult,
} from '@reelkit/protocol';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isStorageFullError, type Storage } from '@reelkit/storage';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { listenForCancels, type CancelListener } from './cancel-listener.js';
import type { TranscoderConfig } from './config.js';
import { describeFfmpegError } from './describe-ffmpeg-error.js';
import { fetchSource } from './fetch-source.js';
import { throttle, type ThrottleState } from './parse-progress.js';
import { ProbeError, probeFile } from './probe.js';
import { transcodeDub } from './transcode-dub.js';
import { TranscodeJobError, transcodeVideo } from './transcode-video.js';

/** What {@link createTranscodeWorker} needs. */
/** How many times a job may stall (its worker died or froze) before it fails. */
export const MAX_STALLED_COUNT = 3;

export interface WorkerDeps {
  config: TranscoderConfig;
  /** A connection with `maxRetriesPerRequest: null`, as BullMQ workers require. */
  connection: Redis;
  storage: Storage;
  /** This process's own scratch folder (`claimScratchFolder`), for job folders. */
  scratchDir: string;
  logger: Logger;
}

/** A job of the `transcode` queue whose payload and result types follow its name. */
type QueueJob<K extends TranscodeJobName = TranscodeJobName> = {
  [N in K]: Job<TranscodeQueueJobs[N]['data'], TranscodeQueueJobs[N]['result'], N>;
}[K];

/** Runs one kind of job; `signal` is BullMQ's, aborted through `worker.cancelJob`. */
type Handler<K extends TranscodeJobName> = (
  job: QueueJob<K>,
  token: string | undefined,
  signal: AbortSignal,
  log: Logger,
) => Promise<TranscodeQueueJobs[K]['result']>;

/** The BullMQ worker of the `transcode` queue, with its cancel subscription. */
export type TranscodeWorker = Worker<TranscodeQueueData, TranscodeQueueResult, TranscodeJobName> & {
  /** Resolves once the worker listens on the cancel channel (`<prefix>:cancel`). */
  cancelListenerReady: Promise<void>;
  /**
   * Stops every running `transcode` job (killing its ffmpeg) and moves it back to the waiting list
   * at once, without using up an attempt, for another worker to start again. Used by
   * {@link closeWorker} when running jobs do not finish in time.
   */
  giveBackRunningJobs(): void;
};

/**
 * Why BullMQ's signal of a job was aborted (`worker.cancelJob(id, reason)`): each reason becomes
 * the job's outcome in the transcode handler.
 */
const ABORT_REASONS = {
  /** The video or the dub was deleted (a message on the cancel channel). */
  cancelled: 'cancelled',
  /** The job ran longer than JOB_TIMEOUT_MS. */
  timeout: 'timeout',
  /** The worker is shutting down and hands the job back. */
  giveBack: 'give-back',
} as const;

/** The {@link TranscodeJobError} a job aborted for `reason` fails with. */
function abortError(reason: unknown, config: TranscoderConfig): TranscodeJobError {
  return reason === ABORT_REASONS.timeout
    ? new TranscodeJobError('transcode_timeout', `over ${Math.round(config.JOB_TIMEOUT_MS / 60_000)} min`)
    : new TranscodeJobError('cancelled');
}

/**
 * Creates the BullMQ worker of the `transcode` queue: a typed `Worker` with one handler per job
 * name. It starts consuming at once, and subscribes (on a duplicate of `connection`) to
 * `<prefix>:cancel`: a published job id (a video's id for its transcode, `dub-<trackId>` for a dub)
 * cancels that running job through BullMQ's own `cancelJob`, killing its ffmpeg, and fails it with `cancelled`. A
 * job running longer than JOB_TIMEOUT_MS is cancelled the same way and fails with
 * `transcode_timeout`. Every failure reason is `<code>: <sentence>` without paths or addresses;
 * the raw error goes to the log.
 */
export function createTranscodeWorker(deps: WorkerDeps): TranscodeWorker {
  const { config, storage, logger } = deps;

  /**
   * Runs a job's work with a signal aborted with the error the job fails with (BullMQ's signal
   * carries only a reason string): its video deleted, over JOB_TIMEOUT_MS. A job handed back at
   * shutdown goes back to the waiting list without using an attempt; any other failure goes
   * through {@link jobFailure}.
   */
  async function cancellable<T>(
    job: QueueJob,
    token: string | undefined,
    bullSignal: AbortSignal,
    log: Logger,
    videoId: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(abortError(bullSignal.reason, config));
    if (bullSignal.aborted) onAbort();
    bullSignal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => worker.cancelJob(job.id!, ABORT_REASONS.timeout), config.JOB_TIMEOUT_MS);
    try {
      return await work(controller.signal);
    } catch (err) {
      if (bullSignal.reason === ABORT_REASONS.giveBack) {
        await job.moveToWait(token);
        log.info({ videoId }, 'job handed back');
        // Tells BullMQ the job was moved on purpose: not a failure, no attempt used.
        throw new WaitingError();
      }
      throw jobFailure(err, log, videoId);
    } finally {
      clearTimeout(timer);
      bullSignal.removeEventListener('abort', onAbort);
    }
  }

  const handlers: { [K in TranscodeJobName]: Handler<K> } = {
    async probe(job, _token, signal, log) {
      const work = await mkdtemp(join(deps.scratchDir, 'probe-'));
      const path = join(work, 'source');
      try {
        try {
          await fetchSource(storage, job.data.sourceKey, path, signal);
        } catch (err) {
          if (isStorageFullError(err)) throw new UnrecoverableError(formatTranscodeFailure('storage_full'));
          // A missing source will not appear on a retry; an outage may end.
          if ((err as { code?: string }).code !== 'ENOENT') throw err;
          throw new UnrecoverableError(formatTranscodeFailure('source_unreadable', 'not in storage'));
        }
        const metadata = await probeFile(path, { ffprobePath: config.FFPROBE_PATH });
        log.info({ videoId: job.data.videoId, metadata }, 'probed');
        return metadata;
      } catch (err) {
        // A file ffprobe cannot read will not become readable on a retry.
        if (!(err instanceof ProbeError)) throw err;
        log.warn({ videoId: job.data.videoId, err: err.message }, 'probe failed');
        throw new UnrecoverableError(
          formatTranscodeFailure('source_unreadable', describeFfmpegError(err.message).detail),
        );
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },

    async transcode(job, token, bullSignal, log) {
      const { data } = job;
      let state: ThrottleState = { lastAt: null, lastValue: null };
      const onProgress = (p: TranscodeProgress) => {
        const next = throttle(state, Date.now(), `${p.stage}:${p.percent}`);
        state = next.state;
        if (next.emit)
          job
            .updateProgress(p)
            .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'progress not saved'));
      };
      return cancellable(job, token, bullSignal, log, data.videoId, async (signal) => {
        const result = await transcodeVideo(
          data,
          { jobId: job.id ?? data.videoId, signal, onProgress, logger: log },
          { config, storage, scratchDir: deps.scratchDir },
        );
        log.info({ videoId: data.videoId, durations: result.durations }, 'transcoded');
        return result;
      });
    },

    dub: (job, token, bullSignal, log) =>
      cancellable(job, token, bullSignal, log, job.data.videoId, (signal) =>
        transcodeDub(
          job.data,
          { jobId: job.id ?? job.data.trackId, signal, logger: log },
          { config, storage, scratchDir: deps.scratchDir },
        ),
      ),
  };

  /** Calls the job's handler with the job typed by its name. */
  const dispatch = <K extends TranscodeJobName>(
    job: QueueJob<K>,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<TranscodeQueueJobs[K]['result']> => {
    const handler: Handler<K> | undefined = handlers[job.name];
    if (!handler) throw new UnrecoverableError(describeTranscodeFailure('transcode_failed', 'unknown job'));
    return handler(job, token, signal, logger.child({ jobId: job.id, name: job.name }));
  };

  const worker = new Worker<TranscodeQueueData, TranscodeQueueResult, TranscodeJobName>(
    QUEUES.transcode,
    // BullMQ types a job's data, result and name independently; they go together by name
    // (TranscodeQueueJobs), which is what QueueJob says. Three parameters: BullMQ then passes a
    // signal that `worker.cancelJob` aborts.
    (job, token, signal) => dispatch(job as QueueJob, token, signal ?? new AbortController().signal),
    {
      connection: deps.connection,
      prefix: config.REDIS_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.LOCK_DURATION_MS,
      stalledInterval: config.LOCK_DURATION_MS,
      // A stalled job is one whose worker died or froze (kill -9, SIGSTOP, a machine lost): it is
      // taken over, and its outputs are published atomically, so taking it over again is safe.
      // BullMQ fails it for good after one stall by default; the soak run (issue 21) saw a job
      // fail after a paused worker woke up and stalled it a second time.
      maxStalledCount: MAX_STALLED_COUNT,
    },
  ) as TranscodeWorker;
  // BullMQ re-emits here what its connections report (including the blocking duplicate it makes
  // of `connection`) and what fails between jobs. Unheard, an 'error' of the blocking connection
  // closed while it was still connecting (a SIGTERM during start-up) rejects BullMQ's own promise
  // with nobody to catch it.
  worker.on('error', (err) => logger.warn({ err: err.message }, 'transcode worker: redis error'));

  const cancels: CancelListener = listenForCancels(
    deps.connection.duplicate(),
    config.REDIS_PREFIX,
    (jobId) => {
      if (worker.cancelJob(jobId, ABORT_REASONS.cancelled)) logger.info({ jobId }, 'cancelling');
    },
    logger,
  );
  worker.cancelListenerReady = cancels.ready;
  worker.giveBackRunningJobs = () => worker.cancelAllJobs(ABORT_REASONS.giveBack);
  worker.on('closed', () => void cancels.close());
  return worker;
}

/**
 * What a failed job throws to BullMQ: a {@link TranscodeJobError} as it is (unrecoverable when no
 * retry can help), a full volume as `storage_full` at once, anything else (a bug, an outage) as
 * `transcode_failed` to retry, its words (which may name paths) for the log only.
 */
function jobFailure(err: unknown, log: Logger, videoId: string): Error {
  if (err instanceof TranscodeJobError) {
    log.warn({ videoId, code: err.code, err: err.message }, 'job failed');
    // A bad source, a timeout or a cancel will not go better on a retry.
    return err.permanent ? new UnrecoverableError(err.message) : err;
  }
  if (isStorageFullError(err)) {
    // A full volume: failing fast (no retry loop against it) with a code the server retries
    // once there is room; the words of the error name paths, so only the log gets them.
    log.warn({ videoId, err }, 'job hit a full volume');
    return new UnrecoverableError(formatTranscodeFailure('storage_full'));
  }
  log.error({ videoId, err }, 'job crashed');
  return new Error(formatTranscodeFailure('transcode_failed'), { cause: err });
}

/** How long {@link closeWorker} waits for handed-back jobs to wind down (ffmpeg's kill grace and more). */
const GIVE_BACK_WAIT_MS = 5_000;

/**
 * Stops taking jobs and waits for the running ones up to `timeoutMs`. After that, a
 * {@link TranscodeWorker} kills its running transcodes and hands their jobs back to the waiting
 * list for another worker (no attempt used); any other job is left to its lock expiring
 * (LOCK_DURATION_MS), after which another worker picks it up as stalled.
 */
export async function closeWorker<D, R, N extends string>(
  worker: Worker<D, R, N> | TranscodeWorker,
  timeoutMs: number,
): Promise<{ forced: boolean }> {
  const graceful = worker.close().then(() => false);
  const forced = await Promise.race([graceful, delay(timeoutMs, true)]);
  if (forced) {
    if ('giveBackRunningJobs' in worker) worker.giveBackRunningJobs();
    await Promise.race([graceful, delay(GIVE_BACK_WAIT_MS, true)]);
  }
  return { forced };
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}
