import type { Context, Middleware } from 'koa';
import type { Logger } from '../logger.js';

/** A request slower than this is logged at `warn` (the log level production runs at). */
export const SLOW_REQUEST_MS = 5_000;

/**
 * Where a slow request spent its time: a route notes its stages (`noteStage(ctx, 'body', ms)`)
 * and the slow-request line carries them, so "the PATCH took 20 s" says which part did.
 */
export function noteStage(ctx: Context, stage: string, ms: number): void {
  const stages = (ctx.state.stages ??= {}) as Record<string, number>;
  stages[stage] = Math.round(ms);
}

/**
 * Logs every request that took `thresholdMs` or more (from its first middleware to its answer
 * being set), with its request id, status and the stages the route noted. Cheap enough to be
 * always on; the soak run (issue 21) reads these lines to tell a slow server from a slow client.
 */
export function slowRequestLog(options: { logger: Logger; thresholdMs?: number }): Middleware {
  const threshold = options.thresholdMs ?? SLOW_REQUEST_MS;
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      if (ms >= threshold)
        options.logger.warn(
          {
            requestId: ctx.state.requestId as string | undefined,
            method: ctx.method,
            // A playback token travels in the path: it is a credential, not for the log.
            path: ctx.path.replace(/^\/v1\/play\/[^/]+/, '/v1/play/<token>'),
            status: ctx.status,
            ms: Math.round(ms),
            stages: ctx.state.stages as Record<string, number> | undefined,
          },
          'slow request',
        );
    }
  };
}
