import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { QUEUES, TRANSCODE_JOBS, type ProbeJobData, type VideoMetadata } from '@reelkit/protocol';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { waitForJob } from '../../../../test/support/wait-for-transcode.js';

describe('the transcoder worker process', () => {
  const env = stackEnv();
  // A prefix of its own, so no other test's worker can take these jobs.
  const prefix = `${env.REDIS_PREFIX}-probe`;
  let worker: Proc;
  let connection: Redis;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    worker = startTs('packages/transcoder/src/main.ts', {
      ...env,
      REDIS_PREFIX: prefix,
      WORKER_CONCURRENCY: '2',
    });
    connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUES.transcode, { connection, prefix });
    events = new QueueEvents(QUEUES.transcode, { connection: connection.duplicate(), prefix });
    await Promise.all([worker.waitFor(/worker ready/), events.waitUntilReady()]);
  });

  afterAll(async () => {
    await worker?.stop();
    await events?.close();
    await queue?.close();
    connection?.disconnect();
  });

  async function putSource(clip: string, orgId: string, videoId: string): Promise<string> {
    const key = `${orgId}/${videoId}/source`;
    const path = join(env.STORAGE_DIR, key);
    await mkdir(dirname(path), { recursive: true });
    await copyFile(clip, path);
    return key;
  }

  it('runs ffprobe on a generated clip and returns its duration, width and height', async () => {
    const clip = await makeClip({ width: 320, height: 240, seconds: 3, fps: 25 });
    const data: ProbeJobData = {
      orgId: 'org1',
      videoId: 'vid-probe-1',
      sourceKey: await putSource(clip, 'org1', 'vid-probe-1'),
    };
    const job = await queue.add(TRANSCODE_JOBS.probe, data, { jobId: data.videoId });
    const result = await waitForJob<VideoMetadata>(job, events);
    expect(result.width).toBe(320);
    expect(result.height).toBe(240);
    expect(result.duration).toBeGreaterThan(2.9);
    expect(result.duration).toBeLessThan(3.2);
    expect(result).toMatchObject({ fps: 25, videoCodec: 'h264', audioCodec: 'aac', hasAudio: true });
  });

  it('fails a file that is not a video without retrying it', async () => {
    const key = 'org1/vid-probe-2/source';
    const path = join(env.STORAGE_DIR, key);
    await mkdir(dirname(path), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, '<html>not a video</html>');
    const job = await queue.add(
      TRANSCODE_JOBS.probe,
      { orgId: 'org1', videoId: 'vid-probe-2', sourceKey: key },
      { jobId: 'vid-probe-2', attempts: 3 },
    );
    await expect(waitForJob(job, events)).rejects.toThrow();
    const after = await queue.getJob('vid-probe-2');
    expect(after?.attemptsMade).toBe(1);
    expect(await after?.getState()).toBe('failed');
  });

  it('exits 0 on SIGTERM', async () => {
    const other = startTs('packages/transcoder/src/main.ts', { ...env, REDIS_PREFIX: `${prefix}-b` });
    await other.waitFor(/worker ready/);
    expect(await other.stop('SIGTERM')).toBe(0);
    expect(other.output()).toMatch(/"msg":"stopped"/);
  });
});
