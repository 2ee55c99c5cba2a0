import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/index.js';
import { createRateLimiter } from '../../src/http/rate-limit.js';
import { AppError } from '../../src/http/app-error.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

const W = 60_000;

/** 'ok', or the Retry-After of the 429. */
async function attempt(hit: () => Promise<void>): Promise<string> {
  try {
    await hit();
    return 'ok';
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err;
    return `429 after ${err.headers?.['Retry-After']}`;
  }
}

describe('rate limiter (Redis, sliding window)', () => {
  let redis: Redis;
  let clock = 0;
  const prefix = `${stackEnv().REDIS_PREFIX}-rl-${process.pid}-${Date.now()}`;

  beforeAll(() => {
    redis = createRedis(stackEnv().REDIS_URL, 'rate-limit-test');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('does not let a burst through again because a window boundary passed in the middle of it', async () => {
    const limiter = createRateLimiter(redis, prefix, () => clock);
    const hit = () => limiter.hit('api', 'burst', { max: 3, windowMs: W });
    const results = [];
    // Two requests just before a boundary, two just after it.
    clock = 100 * W - 2;
    results.push(await attempt(hit), await attempt(hit));
    clock = 100 * W + 1;
    results.push(await attempt(hit), await attempt(hit));
    // 2·(1 − ε) + 1 + 1 > 3; the next fits once 2·(1 − e/W) + 1 + 1 ≤ 3, at e = 30 s.
    expect(results).toEqual(['ok', 'ok', 'ok', '429 after 30']);
  });

  it('lets in, at the time Retry-After names, a client that kept sending while refused', async () => {
    const limiter = createRateLimiter(redis, prefix, () => clock);
    const hit = () => limiter.hit('api', 'slide', { max: 2, windowMs: W });
    clock = 200 * W + 30_000;
    expect([await attempt(hit), await attempt(hit), await attempt(hit)]).toEqual([
      'ok',
      'ok',
      '429 after 60',
    ]);
    // Refused requests do not count: hammering does not push the time back.
    for (let i = 0; i < 20; i++) expect(await attempt(hit)).toBe('429 after 60');
    clock = 201 * W;
    expect(await attempt(hit)).toBe('429 after 30');
    clock = 201 * W + 29_999;
    expect(await attempt(hit)).toBe('429 after 1');
    // 60 s after the refusal, half of the previous window has slid out: 2·0.5 + 0 + 1 = 2.
    clock = 201 * W + 30_000;
    expect(await attempt(hit)).toBe('ok');
    expect(await attempt(hit)).toMatch(/^429 after /);
    const ttl = await redis.pttl(`${prefix}:rl:api:slide:201`);
    expect(ttl).toBeGreaterThan(W);
    expect(ttl).toBeLessThanOrEqual(2 * W);
  });

  it('keeps buckets and ids apart', async () => {
    const limiter = createRateLimiter(redis, prefix, () => clock);
    clock = 300 * W;
    const limit = { max: 1, windowMs: W };
    expect(await attempt(() => limiter.hit('api', 'a', limit))).toBe('ok');
    expect(await attempt(() => limiter.hit('api', 'a', limit))).toMatch(/^429/);
    expect(await attempt(() => limiter.hit('api', 'b', limit))).toBe('ok');
    expect(await attempt(() => limiter.hit('auth', 'a', limit))).toBe('ok');
  });
});
