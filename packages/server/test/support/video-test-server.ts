// A bare Koa app with only the video routes, the real error handler and request ids, and a
// test-only `authenticate` that trusts `x-test-*` headers. Real MongoDB, Redis and disk.
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { roleAtLeast, type Role } from '@reelkit/protocol';
import { LocalStorage } from '@reelkit/storage';
import type { Job } from 'bullmq';
import Koa, { type Middleware } from 'koa';
import { Types, type Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import {
  connectDatabase,
  createLogger,
  createRedis,
  loadServerConfig,
  type ServerConfig,
} from '../../src/index.js';
import { AppError } from '../../src/http/app-error.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { requestId } from '../../src/http/request-id.js';
import type { Principal } from '../../src/http/principal.js';
import type { RouteSpec } from '../../src/http/define-route.js';
import {
  createTranscodeQueue,
  createVideoModel,
  videoRouter,
  type TranscodeQueue,
  type VideoModel,
} from '../../src/videos/index.js';
import { isolatedStack, stackEnv } from '../../../../test/support/stack-env.js';
import { allowedMethods } from '../../src/http/allowed-methods.js';
import { tusMethodOverride } from '../../src/videos/tus-routes.js';

/** Trusts `x-test-org`, `x-test-role` and `x-test-user`: tests only, never mounted in the app. */
export const testAuthenticate: Middleware = async (ctx, next) => {
  const orgId = ctx.get('x-test-org');
  const role = ctx.get('x-test-role') as Role;
  if (!orgId || !['viewer', 'editor', 'admin'].includes(role)) throw new AppError('unauthenticated');
  const principal: Principal = {
    kind: 'user',
    userId: ctx.get('x-test-user') || 'u1',
    orgId,
    role,
    via: 'bearer',
  };
  ctx.state.principal = principal;
  await next();
};

export const testAuthorize =
  (min: Role): Middleware =>
  async (ctx, next) => {
    const principal = ctx.state.principal;
    if (!principal) throw new AppError('unauthenticated');
    if (!roleAtLeast(principal.role, min)) throw new AppError('forbidden');
    await next();
  };

export interface VideoTestServer {
  url: string;
  config: ServerConfig;
  db: Connection;
  redis: Redis;
  storage: LocalStorage;
  queue: TranscodeQueue;
  Video: VideoModel;
  /** The routes mounted, as data. */
  routes: RouteSpec[];
  /** A new organisation id, so tests never see each other's videos. */
  newOrg(): string;
  /** Headers of a caller in `org` with `role`. */
  as(org: string, role?: Role): Record<string, string>;
  /** Every file (temp files too) under an organisation's storage folder. */
  filesOf(org: string): Promise<string[]>;
  /** Jobs of a video in the queue, whatever their state. */
  jobsOf(videoId: string): Promise<Job[]>;
  /** Requests whose handling has ended, answered or not: what a test waits on when the client is gone. */
  handledRequests(): number;
  close(): Promise<void>;
}

export async function startVideoTestServer(
  options: {
    maxUploadBytes?: number;
    now?: () => number;
    /** Servers started with the same name share a Redis prefix and a database. */
    isolate?: string;
    /** A Redis of the test's own (`startPrivateRedis`) instead of the shared one. */
    redisUrl?: string;
    /** A storage folder of the test's own (e.g. a small tmpfs) instead of the run's. */
    storageDir?: string;
  } = {},
): Promise<VideoTestServer> {
  // A prefix and database of our own: a transcoder started by another test file must not take
  // these jobs, and no other server may take these videos' jobs for lost.
  const isolated = isolatedStack(options.isolate ?? 'videos');
  const prefix = isolated.REDIS_PREFIX;
  const config = loadServerConfig({
    ...stackEnv(),
    ...isolated,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MAX_UPLOAD_BYTES: String(options.maxUploadBytes ?? 64 * 1024 * 1024),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.storageDir ? { STORAGE_DIR: options.storageDir } : {}),
  });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'videos-test' });
  const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, 'videos-test');
  const storage = new LocalStorage(config.STORAGE_DIR);
  const queue = createTranscodeQueue({ connection: redis, prefix });
  const Video = createVideoModel(db);
  await Video.init();

  const app = new Koa();
  app.silent = true;
  let handled = 0;
  app.use(async (_ctx, next) => {
    try {
      await next();
    } finally {
      handled += 1;
    }
  });
  app.use(requestId());
  app.use(errorHandler({ logger, development: false }));
  const { router, routes } = videoRouter({
    config,
    db,
    redis,
    storage,
    queue,
    authenticate: testAuthenticate,
    authorize: testAuthorize,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  app.use(tusMethodOverride());
  app.use(router.routes());
  app.use(allowedMethods(router));
  const server: Server = createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    config,
    db,
    redis,
    storage,
    queue,
    Video,
    routes,
    newOrg: () => new Types.ObjectId().toHexString(),
    as: (org, role = 'editor') => ({ 'x-test-org': org, 'x-test-role': role }),
    async filesOf(org) {
      try {
        const entries = await readdir(join(config.STORAGE_DIR, org), {
          recursive: true,
          withFileTypes: true,
        });
        return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    handledRequests: () => handled,
    async jobsOf(videoId) {
      // BullMQ 6 lists the jobs of a paused queue as `waiting`.
      const jobs = await queue.getJobs([
        'waiting',
        'delayed',
        'prioritized',
        'active',
        'completed',
        'failed',
      ]);
      return jobs.filter((j) => j.data.videoId === videoId || j.id === videoId);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await redis.quit();
      await db.close();
    },
  };
}

/** Polls until `check` passes (cleanup after an aborted request runs after the socket closes). */
export async function eventually(
  check: () => Promise<void>,
  timeoutMs = 5000,
  intervalMs = 50,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() - start > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
