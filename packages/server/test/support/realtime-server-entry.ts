// A server process with realtime attached, as main.ts would run it, on a free port of 127.0.0.1.
// Prints `realtime listening <url>`; SIGTERM closes it. For tests that start real processes.
import { attachRealtime } from '../../src/events/index.js';
import {
  connectDatabase,
  createApp,
  createLogger,
  createRedis,
  listen,
  loadServerConfig,
} from '../../src/index.js';

const config = loadServerConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
const logger = createLogger({ level: config.LOG_LEVEL, name: 'realtime-test-server' });
const redis = createRedis(config.REDIS_URL, 'realtime-test-server');
const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
const reelkit = await createApp({ config, logger, db, redis });
const running = await listen(reelkit.app, 0, '127.0.0.1');
const realtime = attachRealtime({ server: running.server, reelkit, db, redis, config, logger });
console.log(`realtime listening ${running.url}`);

process.on('SIGTERM', () => {
  void (async () => {
    await realtime.close();
    await running.close(1_000);
    await Promise.allSettled([db.close(), redis.quit()]);
    process.exit(0);
  })();
});
