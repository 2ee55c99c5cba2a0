// A real API server on a free port, wired to the run's database and Redis, for integration tests.
import { Writable } from 'node:stream';
import type { Storage } from '@reelkit/storage';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { pino } from 'pino';
import {
  connectDatabase,
  createApp,
  createRedis,
  listen,
  loadServerConfig,
  type ReelkitApp,
  type RunningServer,
  type ServerConfig,
} from '../../packages/server/src/index.js';
import { attachRealtime, type Realtime } from '../../packages/server/src/events/index.js';
import { freePort } from './api-client.js';
import { stackEnv } from './stack-env.js';

// The HTTP helpers need no vitest (benchmarks use them too); they live in api-client.ts.
export * from './api-client.js';

export interface TestApi {
  url: string;
  config: ServerConfig;
  reelkit: ReelkitApp;
  db: Connection;
  redis: Redis;
  /** Every log line the server wrote (JSON strings). */
  logs: string[];
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** The server's clock. */
  now?: () => number;
  /**
   * Serve as `npm start` does: socket.io attached, transcode results and progress applied, and
   * `PUBLIC_URL` (unless given in `env`) set to the address it listens on, so the signed URLs in
   * playback descriptors point at this server. Off by default.
   */
  complete?: boolean;
  /** Folder of the `<reelkit-player>` bundle the app serves (default packages/embed/dist). */
  embedDistDir?: string;
  /** A storage driver of the test's own (e.g. with other timeouts), instead of the config's. */
  storage?: Storage;
}

export async function startTestApi(
  env: Record<string, string> = {},
  options: TestApiOptions = {},
): Promise<TestApi> {
  const stack = stackEnv();
  const port = options.complete ? await freePort() : 0;
  const config = loadServerConfig({
    ...stack,
    PORT: String(port),
    ...(options.complete ? { HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    LOG_LEVEL: 'debug',
    // Every test server of a run counts 127.0.0.1 under the same prefix: limits are tested on their
    // own, with low values and a prefix of their own.
    RATE_LIMIT_AUTH_IP_PER_MIN: '100000',
    RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '100000',
    RATE_LIMIT_IP_PER_MIN: '1000000',
    RATE_LIMIT_SOCKET_IP_PER_MIN: '100000',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = pino({ level: 'debug', name: 'test-server' }, sink);
  const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, 'test-api');
  const reelkit = await createApp({
    config,
    logger,
    db,
    redis,
    searchPath: process.env.PATH ?? '',
    ...(options.now ? { now: options.now } : {}),
    ...(options.embedDistDir ? { embedDistDir: options.embedDistDir } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const running: RunningServer = await listen(reelkit.app, port, '127.0.0.1');
  let realtime: Realtime | undefined;
  if (options.complete) {
    realtime = attachRealtime({ server: running.server, reelkit, db, redis, config, logger });
    await reelkit.results.start();
  }
  return {
    url: running.url,
    config,
    reelkit,
    db,
    redis,
    logs,
    async close() {
      if (options.complete) {
        // As main.ts stops: sockets first, then HTTP, then the results applier.
        await realtime?.close();
        await running.close(1000);
        await reelkit.results.close();
      } else await running.close(1000);
      redis.disconnect();
      await db.close();
    },
  };
}
