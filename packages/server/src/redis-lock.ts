import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export type WithLock = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * A short mutual-exclusion lock in Redis (SET NX PX, released only by its owner). Used where a
 * read-check-write must be atomic on every supported database: MongoDB applies a filtered update
 * atomically, but FerretDB 1.24 finds then writes, so two concurrent "rotate if current" updates
 * can both succeed there.
 */
export function createLock(
  redis: Redis,
  prefix: string,
  options: { ttlMs?: number; waitMs?: number } = {},
): WithLock {
  const ttlMs = options.ttlMs ?? 5_000;
  const waitMs = options.waitMs ?? 5_000;
  return async (name, fn) => {
    const key = `${prefix}:lock:${name}`;
    const token = randomUUID();
    const until = Date.now() + waitMs;
    while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > until) throw new Error(`lock ${name} is busy`);
      await sleep(10);
    }
    try {
      return await fn();
    } finally {
      await redis.eval(RELEASE, 1, key, token);
    }
  };
}
