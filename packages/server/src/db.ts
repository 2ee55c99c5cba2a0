import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger.js';
import { periodicTask } from './periodic-task.js';

/**
 * One mongoose connection per app instance (never the global default), so tests and several
 * instances can live in one process.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    // Indexes are part of the schema; build them at start in every environment. They are all small.
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}

/** How often the watchdog pings, and how long pings may fail before it reconnects the driver. */
export interface DatabaseWatchdogOptions {
  everyMs?: number;
  stuckAfterMs?: number;
  pingTimeoutMs?: number;
  logger: Logger;
}

const bounded = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * Reconnects the MongoDB driver when it has been disconnected (mongoose's `readyState` not 1) and
 * its pings have failed for `stuckAfterMs`, although the database may be back. The driver normally
 * recovers by itself; but the soak run (issue 21) caught it stuck after a database restart: its
 * monitor awaited a write on a socket that had closed, forever, so every query failed with the old
 * "connection closed" error while the database answered other clients. Closing and connecting the
 * client again starts a fresh topology; the connection's models keep working. A slow ping on a busy
 * machine is not evidence (a first version counted it, and reconnected a healthy driver under load,
 * failing the operations in flight): only a disconnected driver whose pings fail is.
 */
export function watchDatabase(connection: Connection, options: DatabaseWatchdogOptions) {
  const { everyMs = 5000, stuckAfterMs = 30_000, pingTimeoutMs = 10_000, logger } = options;
  let healthyAt = Date.now();
  return periodicTask({
    name: 'database watchdog',
    everyMs,
    logger,
    run: async () => {
      if (connection.readyState === 1) {
        healthyAt = Date.now();
        return;
      }
      try {
        const db = connection.db;
        if (!db) throw new Error('not connected');
        await bounded(db.admin().ping(), pingTimeoutMs, 'a ping');
        healthyAt = Date.now();
        return;
      } catch (err) {
        if (Date.now() - healthyAt < stuckAfterMs) return;
        healthyAt = Date.now();
        logger.warn({ err }, 'the database driver has been disconnected for a while; reconnecting it');
        const client = connection.getClient();
        await bounded(client.close(), 5000, 'closing the driver').catch(() => undefined);
        await bounded(client.connect(), 15_000, 'reconnecting the driver');
        logger.info('database driver reconnected');
      }
    },
  });
}
