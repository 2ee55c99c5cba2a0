import type { Redis } from 'ioredis';
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts one hit for `bucket`/`id`; throws 429 `rate_limited` with `Retry-After` when over. */
  hit(bucket: string, id: string, limit: Limit): Promise<void>;
}

/**
 * Fixed-window counters in Redis (INCR + PEXPIRE in one round trip), shared by every server
 * instance. Keys: `<prefix>:rl:<bucket>:<id>:<window>`.
 */
export function createRateLimiter(redis: Redis, prefix: string, now: () => number = Date.now): RateLimiter {
  return {
    async hit(bucket, id, { max, windowMs }) {
      const t = now();
      const window = Math.floor(t / windowMs);
      const key = `${prefix}:rl:${bucket}:${id}:${window}`;
      const res = await redis.multi().incr(key).pexpire(key, windowMs).exec();
      const count = Number(res?.[0]?.[1] ?? 0);
      if (count > max) {
        const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - t) / 1000));
        throw new AppError('rate_limited', `Too many requests; try again in ${retryAfter} s`, {
          headers: { 'Retry-After': String(retryAfter) },
        });
      }
    },
  };
}

/**
 * A per-IP limit on everything behind it, except paths starting with one of `exempt`: signed
 * delivery is token-gated and usually fetched by a CDN, whose one IP would trip any per-IP limit.
 */
export function rateLimitByIp(
  limiter: RateLimiter,
  bucket: string,
  limit: Limit,
  exempt: string[] = [],
): Middleware {
  return async (ctx, next) => {
    if (!exempt.some((p) => ctx.path.startsWith(p))) await limiter.hit(bucket, ctx.ip, limit);
    await next();
  };
}
