// The server process: the only file that reads the environment and listens.
import { ConfigError } from '@reelkit/protocol';
import { createApp } from './app.js';
import { loadServerConfig } from './config.js';
import { connectDatabase } from './db.js';
import { listen } from './listen.js';
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
const redis = createRedis(config.REDIS_URL, 'reelkit-server');
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
const reelkit = await createApp({ config, logger, db, redis, searchPath: process.env.PATH ?? '' });
const running = await listen(reelkit.app, config.PORT, config.HOST);
await reelkit.results.start();
logger.info({ url: running.url, publicUrl: config.PUBLIC_URL }, 'listening');

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
  const { forced } = await running.close(timeout);
  await Promise.allSettled([reelkit.results.close(), reelkit.queue.close()]);
  await Promise.allSettled([db.close(), redis.quit()]);
  logger.info({ forced }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
