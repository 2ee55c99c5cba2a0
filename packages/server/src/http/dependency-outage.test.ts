import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { asDependencyOutage } from './dependency-outage.js';

const named = (name: string, message = 'x', cause?: unknown) =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { name });

describe('asDependencyOutage', () => {
  it('answers 503 with Retry-After for an unreachable database', () => {
    for (const name of [
      'MongoServerSelectionError',
      'MongoNetworkError',
      'MongoPoolClearedError',
      'MongooseServerSelectionError',
    ]) {
      const answer = asDependencyOutage(named(name, 'connection 11 to 127.0.0.1:27017 closed'));
      expect(answer?.code, name).toBe('service_unavailable');
      expect(answer?.status).toBe(503);
      expect(answer?.headers).toEqual({ 'Retry-After': '2' });
      // The message is for a user: no address, no driver wording.
      expect(answer?.message).toBe('The database is not answering; try again shortly');
    }
    expect(
      asDependencyOutage(new Error('Operation `videos.find()` buffering timed out after 10000ms'))?.status,
    ).toBe(503);
  });

  it("answers 503 for FerretDB's busy SQLite database", () => {
    const busy = named('MongoServerError', 'database is locked (5) (SQLITE_BUSY)');
    expect(asDependencyOutage(busy)?.code).toBe('service_unavailable');
  });

  it('answers 503 for a Redis that is down, also when wrapped', () => {
    expect(asDependencyOutage(new Error('Connection is closed.'))?.code).toBe('service_unavailable');
    expect(
      asDependencyOutage(
        named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).'),
      )?.status,
    ).toBe(503);
    expect(
      asDependencyOutage(new Error('could not enqueue', { cause: new Error('Connection is closed.') }))
        ?.message,
    ).toBe('The queue store is not answering; try again shortly');
  });

  it('leaves every other error alone', () => {
    expect(asDependencyOutage(new Error('boom'))).toBeUndefined();
    expect(asDependencyOutage(named('MongoServerError', 'E11000 duplicate key'))).toBeUndefined();
    expect(asDependencyOutage(new AppError('not_found'))).toBeUndefined();
    expect(asDependencyOutage('Connection is closed.')).toBeUndefined();
  });
});
