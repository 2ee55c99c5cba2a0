// A request that failed because the database or Redis is not answering (restarting, failing over,
// a network blip) is answered 503 `service_unavailable` with `Retry-After`, not 500: nothing is
// wrong with the request, and the client should simply come back. Found by the soak run (issue 21):
// a database restart turned every request in flight into a 500 `internal_error`.
import { AppError } from './app-error.js';

/** Seconds a client is asked to wait before repeating a request an outage failed. */
export const DEPENDENCY_RETRY_AFTER_S = 2;

/** The MongoDB driver's and mongoose's errors for "the server cannot be reached now". */
const DATABASE_OUTAGES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
  // Operations cut by a reconnect of the driver (see watchDatabase).
  'MongoClientClosedError',
  'MongoExpiredSessionError',
  'MongoPoolClosedError',
  'PoolClosedError',
]);

/** ioredis's: the connection is down and the command could not wait for it. */
const REDIS_OUTAGES = [
  /^Connection is closed\.?$/,
  /^Stream isn't writeable/,
  /^Reached the max retries per request limit/,
];

function outageOf(err: unknown, depth = 0): 'database' | 'redis' | undefined {
  if (!(err instanceof Error) || depth > 3) return undefined;
  if (
    DATABASE_OUTAGES.has(err.name) ||
    /buffering timed out/.test(err.message) ||
    // FerretDB's SQLite handler while another connection holds the database's write lock (seen
    // in the soak after a database restart): busy for a moment, not a bad request.
    (err.name === 'MongoServerError' && /SQLITE_BUSY|database is locked/.test(err.message))
  )
    return 'database';
  if (err.name === 'MaxRetriesPerRequestError' || REDIS_OUTAGES.some((re) => re.test(err.message)))
    return 'redis';
  return outageOf(err.cause, depth + 1);
}

/** `err` as a 503 when an unreachable database or Redis caused it, else undefined. */
export function asDependencyOutage(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined;
  const what = outageOf(err);
  if (!what) return undefined;
  return new AppError(
    'service_unavailable',
    `The ${what === 'database' ? 'database' : 'queue store'} is not answering; try again shortly`,
    { headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_S) } },
  );
}
