import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A Redis connection. BullMQ requires `maxRetriesPerRequest: null` on the connections it blocks
 * on; the server's own commands (rate limits, pub/sub) use the same setting and bound their waits
 * with timeouts where an answer matters now (readiness).
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
}

/**
 * A connection of its own beside `redis` (a subscriber, a BullMQ blocking reader), with an
 * `error` listener from the moment it exists: ioredis reports a lost connection on each
 * connection separately, and one nobody listens to is an "Unhandled error event". Its owner
 * closes it with {@link closeRedis}.
 */
export function duplicateRedis(redis: Redis, name: string, logger: Pick<Logger, 'warn'>): Redis {
  const connection = redis.duplicate({ connectionName: name });
  connection.on('error', (err: Error) =>
    logger.warn({ err: err.message, connection: name }, 'redis connection error'),
  );
  return connection;
}

/**
 * Closes a connection this process owns: QUIT when it is up, so every command already sent gets
 * its answer (bounded by `waitMs`); cut at once when it is not — a QUIT queued on a connection
 * that cannot reach Redis would wait for ever. Commands others queued on it are then rejected with
 * "Connection is closed" (see `isRedisClosedError`).
 */
export async function closeRedis(connection: Redis, waitMs = 2_000): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
  await Promise.race([connection.quit().catch(() => undefined), bound]);
  clearTimeout(timer);
  connection.disconnect();
}

/**
 * A command rejected because its connection was closed under it. Libraries that send Redis
 * commands without awaiting them (socket.io's Redis adapter subscribes and unsubscribes so; BullMQ
 * in places) leave such rejections unhandled when a connection is closed while it was still
 * connecting or could not reach Redis: during a shutdown that is expected, not a crash.
 */
export function isRedisClosedError(err: unknown): boolean {
  return err instanceof Error && /^Connection is closed\.?$/.test(err.message);
}
