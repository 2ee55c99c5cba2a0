import { QUEUES, TRANSCODE_JOBS, type ProbeJobData, type ProbeJobResult } from '@reelkit/protocol';
import type { Storage } from '@reelkit/storage';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TranscoderConfig } from './config.js';
import { ProbeError, probeFile } from './probe.js';

export interface WorkerDeps {
  config: TranscoderConfig;
  /** A connection with `maxRetriesPerRequest: null`, as BullMQ workers require. */
  connection: Redis;
  storage: Storage;
  logger: Logger;
}

function sourcePath(storage: Storage, key: string): string {
  const path = storage.localPath(key);
  if (!path) throw new UnrecoverableError('this worker needs a storage driver with local paths');
  return path;
}

/** Creates the BullMQ worker of the `transcode` queue. It starts consuming at once. */
export function createTranscodeWorker(deps: WorkerDeps): Worker {
  const { config, storage, logger } = deps;
  const processor = async (job: Job): Promise<unknown> => {
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
      default:
        throw new UnrecoverableError(`unknown job name ${job.name}`);
    }
  };
  return new Worker(QUEUES.transcode, processor, {
    connection: deps.connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
  });
}

/**
 * Stops taking jobs and waits for the running ones up to `timeoutMs`; after that the worker closes
 * without them, and their lock expiring hands them back to the queue for another worker.
 */
export async function closeWorker(worker: Worker, timeoutMs: number): Promise<{ forced: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close().then(() => false);
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const forced = await Promise.race([graceful, deadline]);
  clearTimeout(timer);
  if (forced) await worker.close(true);
  return { forced };
}
