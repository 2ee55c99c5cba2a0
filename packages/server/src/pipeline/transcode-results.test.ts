import type { Storage } from '@reelkit/storage';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { TranscodeQueue } from '../videos/transcode-queue.js';
import type { VideoModel } from '../videos/video-model.js';
import { createTranscodeResults, settleWithin } from './transcode-results.js';

describe('settleWithin', () => {
  it('passes on what settles in time, and rejects with the step named once the time is up', async () => {
    await expect(settleWithin(Promise.resolve(7), 1_000, 'a step')).resolves.toBe(7);
    await expect(settleWithin(Promise.reject(new Error('boom')), 1_000, 'a step')).rejects.toThrow('boom');
    await expect(settleWithin(new Promise(() => undefined), 20, 'a step')).rejects.toThrow(
      'a step did not settle within 20 ms',
    );
  });
});

describe('reconciliation', () => {
  // The soak's full run (issue 21) left a video `processing` for good while its job was completed:
  // one database operation that never settled (during the database restart) kept the one
  // reconciliation in progress pending, and every later one returned that same promise.
  it('gives up a pass that never settles, so the next pass runs', async () => {
    let queries = 0;
    const Video = {
      find: () => {
        queries += 1;
        const never = queries === 1;
        const chain = {
          select: () => chain,
          sort: () => chain,
          limit: () => chain,
          lean: () => chain,
          exec: () => (never ? new Promise(() => undefined) : Promise.resolve([])),
        };
        return chain;
      },
    };
    const results = createTranscodeResults({
      Video: Video as unknown as VideoModel,
      queue: {} as TranscodeQueue,
      redis: {} as Redis,
      prefix: 'test',
      storage: {} as Storage,
      withLock: (_name, fn) => fn(),
      logger: createLogger({ level: 'silent', name: 'test' }),
      applyTimeoutMs: 50,
    });
    await expect(results.reconcile()).rejects.toThrow('the open videos query did not settle within 50 ms');
    await expect(results.reconcile()).resolves.toBeUndefined();
    expect(queries).toBe(2);
  });
});
