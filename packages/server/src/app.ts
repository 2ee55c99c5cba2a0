import Koa from 'koa';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';
import { errorHandler } from './http/error-handler.js';
import { requestId } from './http/request-id.js';
import { healthRoutes } from './health/routes.js';

export interface AppDeps {
  config: ServerConfig;
  logger: Logger;
  db: Connection;
  redis: Redis;
  /** PATH used to find ffprobe for readiness; main passes the process's. */
  searchPath?: string;
}

/** Builds the Koa app from its dependencies. Opens nothing and listens on nothing. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.config.TRUST_PROXY });
  app.silent = true; // errors are logged by errorHandler, with the request id
  app.use(requestId());
  app.use(errorHandler({ logger: deps.logger, development: deps.config.NODE_ENV === 'development' }));

  const health = healthRoutes({
    db: deps.db,
    redis: deps.redis,
    ffprobePath: deps.config.FFPROBE_PATH,
    ...(deps.searchPath !== undefined ? { searchPath: deps.searchPath } : {}),
  });
  app.use(health.routes());
  app.use(health.allowedMethods());
  return app;
}
