import type { Redis } from 'ioredis';

/**
 * Ended sessions (refresh-token families), so their access tokens stop at once rather than at
 * their expiry: each access token carries its session id (`sid`), and `authenticate` refuses one
 * whose session is in this set.
 *
 * The set lives in Redis (one sorted set per deployment: member = session id, score = the time
 * after which no access token of it can still be valid), so every server instance sees a logout.
 * Each process keeps a copy, re-read at most once per `cacheMs` (≤ 1 s): a request costs a
 * lookup in memory, and a logout applies everywhere within `cacheMs` (at once on the instance
 * that handled it).
 */
export interface SessionRevocations {
  /** Ends session `sid`'s access tokens on every instance. */
  revoke(sid: string): Promise<void>;
  /** True when session `sid` was ended (as of at most `cacheMs` ago). */
  isRevoked(sid: string): Promise<boolean>;
}

/** Pure: the entries of a revocation set still worth keeping at `nowMs`, as a lookup. */
export function liveRevocations(entries: readonly string[], nowMs: number): Map<string, number> {
  const live = new Map<string, number>();
  // ZRANGE … WITHSCORES: member, score, member, score…
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const until = Number(entries[i + 1]);
    if (until > nowMs) live.set(entries[i]!, until);
  }
  return live;
}

export function createSessionRevocations(options: {
  redis: Redis;
  redisPrefix: string;
  /** Access-token lifetime: a revocation older than this can match no valid token. */
  accessTtlSeconds: number;
  /** How stale a process's copy may be. @defaultValue 1000 */
  cacheMs?: number;
  now?: () => number;
}): SessionRevocations {
  const key = `${options.redisPrefix}:revoked-sessions`;
  const cacheMs = options.cacheMs ?? 1000;
  const now = options.now ?? Date.now;
  let copy = new Map<string, number>();
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;

  async function read(): Promise<void> {
    const startedAt = now();
    const entries = await options.redis.zrangebyscore(key, startedAt, '+inf', 'WITHSCORES');
    copy = liveRevocations(entries, startedAt);
    readAt = startedAt;
  }

  return {
    async revoke(sid) {
      const until = now() + options.accessTtlSeconds * 1000 + 60_000; // + clock skew
      await options.redis.multi().zadd(key, until, sid).zremrangebyscore(key, '-inf', now()).exec();
      copy.set(sid, until);
    },
    async isRevoked(sid) {
      if (now() - readAt >= cacheMs) {
        // One read at a time per process, however many requests arrive meanwhile.
        reading ??= read().finally(() => (reading = undefined));
        await reading;
      }
      return (copy.get(sid) ?? 0) > now();
    },
  };
}
