// The worker's BullMQ options that decide what happens to a job whose worker died or froze.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from '@reelkit/storage';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadTranscoderConfig } from '../../src/config.js';
import { MAX_STALLED_COUNT, closeWorker, createTranscodeWorker } from '../../src/worker.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

describe('transcode worker options', () => {
  it('takes a stalled job over up to three times (a paused worker that wakes up may stall it again)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelkit-worker-options-'));
    const config = loadTranscoderConfig({
      ...stackEnv(),
      REDIS_PREFIX: `${stackEnv().REDIS_PREFIX}-wo`,
      STORAGE_DIR: join(dir, 'storage'),
      SCRATCH_DIR: join(dir, 'scratch'),
      LOCK_DURATION_MS: '4000',
    });
    const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    const worker = createTranscodeWorker({
      config,
      connection,
      storage: createStorage(config),
      scratchDir: join(dir, 'scratch'),
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(MAX_STALLED_COUNT).toBe(3);
      expect(worker.opts.maxStalledCount).toBe(3);
      expect(worker.opts.lockDuration).toBe(4000);
      expect(worker.opts.stalledInterval).toBe(4000);
    } finally {
      await closeWorker(worker, 5000).catch(() => worker.close(true));
      connection.disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
