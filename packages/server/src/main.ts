// The server process: the only file that reads the environment and listens.
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@reelkit/protocol';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { createApp, type ReelkitApp } from './app.js';
import { attachRealtime, type Realtime } from './events/index.js';
import { loadServerConfig } from './config.js';
import { connectDatabase } from './db.js';
import { listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';
import { createRedis } from './redis.js';

let config;
try {
  config = loadServerConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`reelkit server: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger({ level: config.LOG_LEVEL, name: 'server' });

// Signal handlers come first, before anything is awaited, so there is no moment in which SIGTERM
// would kill the process without a graceful stop; shutdown closes whatever has started so far.
type Started = {
  redis?: Redis;
  db?: Connection;
  reelkit?: ReelkitApp;
  running?: RunningServer;
  realtime?: Realtime;
};
const started: Started = {};
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const timeout = config!.SHUTDOWN_TIMEOUT_MS;
  logger.info({ signal, timeoutMs: timeout }, 'shutting down');
  // A hard deadline in case a dependency hangs while closing.
  setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, timeout + 5_000).unref();
  const { redis, db, reelkit, running, realtime } = started;
  // Sockets first: open websockets would otherwise hold the HTTP server open until the deadline.
  await realtime?.close();
  const { forced } = (await running?.close(timeout)) ?? { forced: false };
  if (reelkit)
    await Promise.allSettled([
      reelkit.results.close(),
      reelkit.uploads.close(),
      reelkit.janitor.close(),
      reelkit.catalogue.close(),
      reelkit.queue.close(),
      reelkit.webhooks.close(),
    ]);
  await Promise.allSettled([db?.close(), redis?.quit()]);
  logger.info({ forced }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  const redis = (started.redis = createRedis(config.REDIS_URL, 'reelkit-server'));
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const db = (started.db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB));
  const reelkit = (started.reelkit = await createApp({
    config,
    logger,
    db,
    redis,
    searchPath: process.env.PATH ?? '',
    dashboardDir: fileURLToPath(new URL('../../../examples/admin-dashboard/dist', import.meta.url)),
  }));
  if (!stopping) {
    const running = (started.running = await listen(reelkit.app, config.PORT, config.HOST));
    started.realtime = attachRealtime({ server: running.server, reelkit, db, redis, config, logger });
    await reelkit.results.start();
    reelkit.uploads.start();
    reelkit.janitor.start();
    reelkit.catalogue.start();
    reelkit.webhooks.startWorker();
    logger.info({ url: running.url, publicUrl: config.PUBLIC_URL }, 'listening');
  }
} catch (err) {
  if (!stopping) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
}
