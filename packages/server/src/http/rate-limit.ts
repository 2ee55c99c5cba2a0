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
 * The sliding-window estimate: the previous window's count weighted by how much of it still lies
 * within the last `windowMs`, plus the current window's. Unlike a fixed window, a client cannot get
 * twice the limit through by straddling a window's end, and a burst does not become allowed again
 * merely because a boundary passed between two requests.
 */
export function slidingCount(previous: number, current: number, elapsedMs: number, windowMs: number): number {
  return previous * Math.max(0, 1 - elapsedMs / windowMs) + current;
}

/**
 * Milliseconds until one more request would fit, given the counts of allowed requests at
 * `elapsedMs` into the current window, in whole milliseconds. Refused requests are not counted, so
 * a client that waits this long gets in (unless others sharing its counter got there first).
 */
export function msUntilAllowed(
  previous: number,
  current: number,
  elapsedMs: number,
  { max, windowMs }: Limit,
): number {
  const room = max - current - 1;
  if (room >= 0 && previous > 0) {
    // Still in this window, once enough of the previous one has slid out.
    const at = windowMs * (1 - room / previous);
    if (at < windowMs) return wholeMs(Math.max(0, at - elapsedMs));
  }
  // In the next window, once enough of this one has slid out.
  const at = current <= max - 1 ? 0 : windowMs * (1 - (max - 1) / current);
  return wholeMs(windowMs - elapsedMs + at);
}

/** Up to the next millisecond, ignoring floating-point dust (40000.00000000001 is 40000). */
function wholeMs(ms: number): number {
  return Math.ceil(ms - 1e-6);
}

const HIT_COMMAND = 'reelkitRateLimitHit';
/**
 * KEYS: this window's counter, the previous window's. ARGV: the previous window's weight, the
 * limit, the counter's lifetime in ms. Counts the request only when it fits, atomically across
 * every server instance. Returns [allowed (1/0), this window's count, the previous window's].
 */
const HIT_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[1]) + current + 1 > tonumber(ARGV[2]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, current, previous}
`;

type HitRedis = Redis & {
  [HIT_COMMAND](
    current: string,
    previous: string,
    weight: string,
    max: number,
    ttlMs: number,
  ): Promise<number[]>;
};

/**
 * Sliding-window counters in Redis (one script per request), shared by every server instance.
 * Keys: `<prefix>:rl:<bucket>:<id>:<window>`, each kept for two windows.
 */
export function createRateLimiter(redis: Redis, prefix: string, now: () => number = Date.now): RateLimiter {
  if (!(HIT_COMMAND in redis)) redis.defineCommand(HIT_COMMAND, { numberOfKeys: 2, lua: HIT_SCRIPT });
  const script = redis as HitRedis;
  return {
    async hit(bucket, id, limit) {
      const { max, windowMs } = limit;
      const t = now();
      const window = Math.floor(t / windowMs);
      const elapsed = t - window * windowMs;
      const key = `${prefix}:rl:${bucket}:${id}:`;
      const [allowed, current = 0, previous = 0] = await script[HIT_COMMAND](
        `${key}${window}`,
        `${key}${window - 1}`,
        String(Math.max(0, 1 - elapsed / windowMs)),
        max,
        2 * windowMs,
      );
      if (!allowed) {
        const retryAfter = Math.max(1, Math.ceil(msUntilAllowed(previous, current, elapsed, limit) / 1000));
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
