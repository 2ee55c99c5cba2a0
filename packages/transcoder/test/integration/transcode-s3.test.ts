// The transcode job with the S3 driver, against the test SeaweedFS: the worker shares no folder
// with anyone, fetches the source from the bucket and publishes every output into it.
import { createReadStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import {
  QUEUES,
  TRANSCODE_JOBS,
  TRANSCODE_JOB_OPTIONS,
  type TranscodeJobData,
  type TranscodeResult,
} from '@reelkit/protocol';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { s3StackEnv, s3TestStorage, stackEnv } from '../../../../test/support/stack-env.js';
import { ffprobeJson, playlistSegments, scratchJobFolders } from './transcode-helpers.js';

describe('the transcode job on S3 storage', () => {
  const env = stackEnv();
  const prefix = `${env.REDIS_PREFIX}-tcs3`;
  const s3env = s3StackEnv('tc-s3');
  const scratch = join(env.STORAGE_DIR, 'tc-s3-scratch');
  const bucket = s3TestStorage(s3env.S3_PREFIX!);
  let worker: Proc;
  let connection: Redis;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    worker = startTs('packages/transcoder/src/main.ts', {
      ...env,
      ...s3env,
      // No folder shared with anything: a storage folder that does not exist, to be sure.
      STORAGE_DIR: join(env.STORAGE_DIR, 'tc-s3-unused'),
      SCRATCH_DIR: scratch,
      REDIS_PREFIX: prefix,
      X264_PRESET: 'ultrafast',
      HLS_SEGMENT_S: '2',
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
    bucket.destroy();
  });

  it('fetches the source from the bucket and publishes every output into it', async () => {
    const clip = await makeClip({ width: 640, height: 360, seconds: 4, fps: 25 });
    const data: TranscodeJobData = { orgId: 'org-s3', videoId: 'vid-s3', sourceKey: 'org-s3/vid-s3/source' };
    await bucket.write(data.sourceKey, createReadStream(clip));
    const job = await queue.add(TRANSCODE_JOBS.transcode, data, {
      ...TRANSCODE_JOB_OPTIONS,
      jobId: data.videoId,
    });
    const result = (await job.waitUntilFinished(events, 180_000)) as TranscodeResult;

    expect(result.renditions.map((r) => r.rung)).toEqual([360, 240]);
    const keys = await bucket.list('org-s3/vid-s3/');
    for (const key of [
      result.masterKey,
      result.mp4Key,
      result.posterKey,
      result.storyboard!.imageKey,
      result.storyboard!.vttKey,
      ...result.renditions.map((r) => r.playlistKey),
    ])
      expect(keys).toContain(key);
    // Every segment a playlist names is in the bucket, with its init segment.
    for (const r of result.renditions) {
      const dir = r.playlistKey.slice(0, r.playlistKey.lastIndexOf('/') + 1);
      const segments = playlistSegments(await text(bucket.read(r.playlistKey)));
      expect(segments.length).toBeGreaterThan(0);
      for (const s of segments) expect(keys).toContain(`${dir}${s.uri}`);
      expect(keys).toContain(`${dir}init.mp4`);
    }
    const master = await text(bucket.read(result.masterKey));
    expect(master).toContain('360p/index.m3u8');
    // The progressive MP4 from the bucket is a whole, playable file of the source's length.
    const mp4 = join(tmpdir(), `reelkit-s3-${process.pid}.mp4`);
    await writeFile(mp4, await buffer(bucket.read(result.mp4Key)));
    const probed = (await ffprobeJson(['-show_format', mp4]).finally(() => rm(mp4, { force: true }))) as {
      format: { duration: string };
    };
    expect(Number(probed.format.duration)).toBeCloseTo(4, 0);
    // Nothing left in the worker's scratch folder.
    expect(await scratchJobFolders(scratch)).toEqual([]);
  });

  it('a source missing from the bucket fails the job with source_unreadable, once', async () => {
    const data: TranscodeJobData = {
      orgId: 'org-s3',
      videoId: 'vid-none',
      sourceKey: 'org-s3/vid-none/source',
    };
    const job = await queue.add(TRANSCODE_JOBS.transcode, data, {
      ...TRANSCODE_JOB_OPTIONS,
      jobId: data.videoId,
    });
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/^source_unreadable: /);
    expect((await queue.getJob(data.videoId))!.attemptsMade).toBe(1);
  });
});
