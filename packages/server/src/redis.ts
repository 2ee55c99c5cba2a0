import { Redis } from 'ioredis';

/**
 * A Redis connection. BullMQ requires `maxRetriesPerRequest: null` on the connections it blocks
 * on; the server's own commands (rate limits, pub/sub) use the same setting and bound their waits
 * with timeouts where an answer matters now (readiness).
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
}
