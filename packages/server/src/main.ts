// The server process: the only file that reads the environment and listens.
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@reelkit/protocol';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { createApp, type ReelkitApp } from './app.js';
import { attachRealtime, type Realtime } from './events/index.js';
import { loadServerConfig } from './config.js';
import { connectDatabase, watchDatabase } from './db.js';
import { listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';
import { closeRedis, createRedis, isRedisClosedError } from './redis.js';

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
  dbWatchdog?: ReturnType<typeof watchDatabase>;
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
  const { redis, db, reelkit, running, realtime, dbWatchdog } = started;
  // Parts must be closed a second before the deadline: one still busy then (a catalogue rebuild
  // streaming a large collection, a sweep waiting on the database) is left to the exit, and named.
  const partsDeadline = Date.now() + timeout + 4_000;
  /** Closes one part, saying how long it took (a part that hangs is named in the log). */
  const close = async (name: string, fn: (() => Promise<unknown>) | undefined) => {
    if (!fn) return;
    const t = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, partsDeadline - t));
    });
    try {
      const outcome = await Promise.race([fn(), late]);
      if (outcome === 'late') {
        logger.warn({ part: name, ms: Date.now() - t }, 'still closing at the deadline; leaving it');
        return;
      }
    } catch (err) {
      logger.warn({ err, part: name }, 'closing failed');
    } finally {
      clearTimeout(timer);
    }
    logger.debug({ part: name, ms: Date.now() - t }, 'closed');
  };
  // Sockets first: open websockets would otherwise hold the HTTP server open until the deadline.
  await close('realtime', realtime && (() => realtime.close()));
  const { forced } = (await running?.close(timeout)) ?? { forced: false };
  // Every part is told to stop first (so a chore whose run is cut below knows it is stopping, not
  // failing). With Redis unreachable, commands in flight wait for it until the deadline (a
  // catalogue check, a sweep): then cut the connection, so they fail now and the parts finish.
  const parts = reelkit
    ? Promise.all([
        close('results', () => reelkit.results.close()),
        close('uploads', () => reelkit.uploads.close()),
        close('janitor', () => reelkit.janitor.close()),
        close('storage-full retry', () => reelkit.storageFull.close()),
        close('catalogue', () => reelkit.catalogue.close()),
        close('queue', () => reelkit.queue.close()),
        close('webhooks', () => reelkit.webhooks.close()),
      ])
    : undefined;
  if (redis && redis.status !== 'ready') await close('redis', () => closeRedis(redis));
  await parts;
  await close('database watchdog', dbWatchdog && (() => dbWatchdog.close()));
  await Promise.all([
    close('db', db && (() => db.close())),
    close('redis', redis && (() => closeRedis(redis))),
  ]);
  logger.info({ forced }, 'stopped');
  process.exit(0);
}
// A Redis command a library sent without awaiting it, rejected because shutdown closed its
// connection (see isRedisClosedError), is part of stopping; anything else is a crash, as by default.
process.on('unhandledRejection', (err) => {
  if (stopping && isRedisClosedError(err)) {
    logger.debug({ err: (err as Error).message }, 'a Redis command was cut by the shutdown');
    return;
  }
  logger.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// From here on a signal stops the process gracefully (tests signal at this line to hit start-up).
logger.info({ pid: process.pid }, 'starting');

try {
  const redis = (started.redis = createRedis(config.REDIS_URL, 'reelkit-server'));
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const db = (started.db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB));
  (started.dbWatchdog = watchDatabase(db, { logger })).start();
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
    reelkit.storageFull.start();
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
