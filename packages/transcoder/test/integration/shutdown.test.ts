// The worker process on SIGTERM at every moment of its life, with the CPU busy as during a deploy
// on a loaded machine: start-up and shutdown races only show when each step is slow.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QUEUES, TRANSCODE_JOBS, TRANSCODE_JOB_OPTIONS } from '@reelkit/protocol';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyCpu, type BusyCpu } from '../../../../test/support/busy-cpu.js';
import { makeClip } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { startPrivateRedis } from '../../../../test/support/redis-server.js';
import { putSource } from './transcode-helpers.js';

/** What a crash on the way out leaves in the output (and an ioredis connection nobody listens to). */
const CRASH = /Unhandled|uncaught|ERR_UNHANDLED|Connection is closed|"level":(50|60)/i;

describe('the worker process on SIGTERM, with the CPU busy', { timeout: 300_000 }, () => {
  const env = stackEnv();
  // A prefix and folder of its own, so no other test's worker takes these jobs.
  const prefix = `${env.REDIS_PREFIX}-sd`;
  const storage = join(env.STORAGE_DIR, 'shutdown');
  let load: BusyCpu;
  let connection: Redis;
  let queue: Queue;
  beforeAll(() => {
    load = busyCpu();
    connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUES.transcode, { connection, prefix });
  });
  afterAll(async () => {
    await load?.stop();
    await queue?.close();
    connection?.disconnect();
  });

  function start(): Proc {
    return startTs('packages/transcoder/src/main.ts', {
      ...env,
      REDIS_PREFIX: prefix,
      STORAGE_DIR: storage,
      SHUTDOWN_TIMEOUT_MS: '1000',
      X264_PRESET: 'ultrafast',
    });
  }

  async function expectCleanExit(proc: Proc): Promise<void> {
    const code = await proc.stop('SIGTERM', 60_000);
    expect(code, proc.output()).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
    expect(proc.output()).not.toMatch(CRASH);
  }

  it('exits 0 when signalled during start-up, while its connections open', async () => {
    // From the first moment a signal is handled to well into connecting.
    for (const after of [0, 50, 200, 600]) {
      const proc = start();
      await proc.waitFor(/"msg":"starting"/, 120_000);
      await sleep(after);
      await expectCleanExit(proc);
    }
  });

  it('exits 0 when signalled once it is ready', async () => {
    for (let i = 0; i < 3; i++) {
      const proc = start();
      await proc.waitFor(/"msg":"worker ready"/, 120_000);
      await expectCleanExit(proc);
    }
  });

  it('exits 0 when signalled mid-job, and hands the job back', async () => {
    const clip = await makeClip({ width: 640, height: 360, seconds: 6, fps: 25 });
    for (let i = 0; i < 3; i++) {
      const proc = start();
      await proc.waitFor(/"msg":"worker ready"/, 120_000);
      const videoId = `vid-shutdown-${i}`;
      const sourceKey = await putSource(storage, 'org-s', videoId, clip);
      await queue.add(
        TRANSCODE_JOBS.transcode,
        { orgId: 'org-s', videoId, sourceKey },
        { ...TRANSCODE_JOB_OPTIONS, jobId: videoId },
      );
      await proc.waitFor(new RegExp(`"jobId":"${videoId}"`), 120_000);
      await sleep(100 * i);
      await expectCleanExit(proc);
      const job = await queue.getJob(videoId);
      // Handed back (waiting, no attempt used) or, on a quick round, already done.
      expect(['waiting', 'completed']).toContain(await job!.getState());
      await job!.remove().catch(() => undefined);
    }
  });

  it('exits 0 when Redis went away while it ran, and when Redis is not there at start', async () => {
    const redis = await startPrivateRedis();
    try {
      const env2 = { REDIS_URL: redis.url };
      const proc = startTs('packages/transcoder/src/main.ts', { ...env, ...env2, REDIS_PREFIX: prefix });
      await proc.waitFor(/"msg":"worker ready"/, 120_000);
      await redis.stop();
      // Every connection (the worker's own, BullMQ's blocking duplicate, the cancel subscriber)
      // sees the loss; the process must log it and carry on.
      await proc.waitFor(/redis connection error/, 60_000);
      await sleep(1_500);
      expect(proc.child.exitCode, proc.output()).toBeNull();
      await expectCleanExit(proc);

      const orphan = startTs('packages/transcoder/src/main.ts', { ...env, ...env2, REDIS_PREFIX: prefix });
      await orphan.waitFor(/"msg":"starting"/, 120_000);
      await orphan.waitFor(/redis connection error/, 60_000);
      await expectCleanExit(orphan);
    } finally {
      await redis.dispose();
    }
  });
});
