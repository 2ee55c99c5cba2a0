import type { Server as HttpServer } from 'node:http';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { ReelkitApp } from '../app.js';
import type { ServerConfig } from '../config.js';
import { createRateLimiter } from '../http/rate-limit.js';
import type { Logger } from '../logger.js';
import { createVideoModel } from '../videos/video-model.js';
import { createRealtime, type Realtime } from './realtime.js';
import { createVideoSnapshotLoader } from './video-snapshot.js';

/**
 * Wires realtime into a running API server: the app's token services and models, snapshots read
 * from the videos collection, the adapter on the server's Redis. Call it with the `http.Server`
 * that `listen()` returned; close it before closing that server (open websockets would otherwise
 * hold the HTTP server's close until its timeout).
 */
export function attachRealtime(deps: {
  server: HttpServer;
  reelkit: Pick<ReelkitApp, 'tokens' | 'playbackTokens' | 'models'>;
  db: Connection;
  redis: Redis;
  config: Pick<ServerConfig, 'REDIS_PREFIX' | 'RATE_LIMIT_SOCKET_IP_PER_MIN' | 'TRUST_PROXY'>;
  logger: Logger;
  /** Clock of the handshake limit (tests). */
  now?: () => number;
}): Realtime {
  const limiter = createRateLimiter(deps.redis, deps.config.REDIS_PREFIX, deps.now);
  return createRealtime({
    limitHandshake: (ip) =>
      limiter.hit('socket-ip', ip, { max: deps.config.RATE_LIMIT_SOCKET_IP_PER_MIN, windowMs: 60_000 }),
    trustProxy: deps.config.TRUST_PROXY,
    httpServer: deps.server,
    redis: deps.redis,
    redisPrefix: deps.config.REDIS_PREFIX,
    tokens: deps.reelkit.tokens,
    playbackTokens: deps.reelkit.playbackTokens,
    models: deps.reelkit.models,
    loadSnapshot: createVideoSnapshotLoader(createVideoModel(deps.db)),
    logger: deps.logger,
  });
}
