// The first reconciliation at start must not decide whether the server starts: in the soak, a
// database restart ~20 s into a restarted API's life failed it, `results.start()` rejected, and
// the process exited ('could not start'), leaving its socket clients with nowhere to reconnect.
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '@reelkit/storage';
import { connectDatabase, createRedis, loadServerConfig } from '../../src/index.js';
import { createTranscodeQueue } from '../../src/videos/index.js';
import { createVideoModel } from '../../src/videos/video-model.js';
import { createLock } from '../../src/redis-lock.js';
import { createTranscodeResults } from '../../src/pipeline/transcode-results.js';
import type { DubResults } from '../../src/pipeline/dub-results.js';
import { isolatedStack, stackEnv } from '../../../../test/support/stack-env.js';

describe('transcode results: start', () => {
  let db: Connection;
  let redis: Redis;
  const isolated = isolatedStack('rstart');

  beforeAll(async () => {
    const config = loadServerConfig({ ...stackEnv(), ...isolated });
    db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
    redis = createRedis(config.REDIS_URL, 'results-start-test');
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
    redis?.disconnect();
  });

  it('starts although its first reconciliation fails, and retries it within seconds', async () => {
    const config = loadServerConfig({ ...stackEnv(), ...isolated });
    const queue = createTranscodeQueue({ connection: redis, prefix: isolated.REDIS_PREFIX });
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    let calls = 0;
    const dubs = {
      reconcile: async () => {
        calls++;
        if (calls === 1) throw new Error('connection 11 to 127.0.0.1:27017 closed');
      },
    } as unknown as DubResults;
    const Video = createVideoModel(db);
    await Video.init();
    const results = createTranscodeResults({
      Video,
      queue,
      dubs,
      redis,
      prefix: isolated.REDIS_PREFIX,
      storage: createStorage(config),
      withLock: createLock(redis, isolated.REDIS_PREFIX),
      logger,
      reconcileEveryMs: 600_000,
    });
    try {
      await expect(results.start()).resolves.toBeUndefined();
      expect(calls).toBe(1);
      expect(warnings.join('\n')).toMatch(/could not apply reconciliation; retrying in 5000 ms/);
      const until = Date.now() + 60_000;
      while (calls < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(2);
    } finally {
      await results.close();
      await queue.close();
    }
  });
});
