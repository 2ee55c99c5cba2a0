// The transcoder process: the only file that reads the environment.
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@reelkit/protocol';
import { createStorage } from '@reelkit/storage';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadTranscoderConfig } from './config.js';
import { claimScratchFolder } from './scratch-folder.js';
import { closeWorker, createTranscodeWorker } from './worker.js';

let config;
try {
  config = loadTranscoderConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`reelkit transcoder: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const logger = pino({ name: 'transcoder', level: config.LOG_LEVEL });
const connection = new Redis(config.REDIS_URL, {
  maxRetriesPerRequest: null,
  connectionName: 'reelkit-worker',
});
connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
// Its own folder below SCRATCH_DIR, emptied now (a previous run may have been killed mid-job).
const scratchDir = await claimScratchFolder(config.SCRATCH_DIR, logger);
const storage = createStorage(config);
const worker = createTranscodeWorker({
  config,
  connection,
  storage,
  scratchDir,
  logger,
});
worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'job failed'));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const { forced } = await closeWorker(worker, config!.SHUTDOWN_TIMEOUT_MS);
  await connection.quit().catch(() => undefined);
  await rm(scratchDir, { recursive: true, force: true });
  logger.info({ forced }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// From here on a signal stops the process gracefully (tests signal at this line to hit start-up).
logger.info({ pid: process.pid }, 'starting');

// Handlers first, then "ready": whoever reads the line may signal at once, before this process
// would otherwise have reached the lines above.
try {
  await Promise.all([
    worker.waitUntilReady(),
    worker.cancelListenerReady,
    // One request to the store before the first job: an S3 client loads most of the AWS SDK, its
    // credentials and a connection on first use (about a second under load), which would otherwise
    // land on the first job's source fetch. Best effort and bounded: a store that is down or slow
    // fails jobs, not the start.
    Promise.race([
      storage.stat('reelkit/warm-up').catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'storage did not answer at start');
      }),
      sleep(2_000, undefined, { ref: false }),
    ]),
  ]);
  if (!stopping)
    logger.info({ concurrency: config.WORKER_CONCURRENCY, prefix: config.REDIS_PREFIX }, 'worker ready');
} catch (err) {
  // Closing while the connections still open rejects their readiness ("Connection is closed"):
  // that is the shutdown under way, not a failed start.
  if (!stopping) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
}
