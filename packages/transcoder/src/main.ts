// The transcoder process: the only file that reads the environment.
import { rm } from 'node:fs/promises';
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
const worker = createTranscodeWorker({
  config,
  connection,
  storage: createStorage(config),
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
  await Promise.all([worker.waitUntilReady(), worker.cancelListenerReady]);
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
