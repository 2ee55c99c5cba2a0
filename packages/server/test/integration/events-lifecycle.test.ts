// What live dashboards see of a video's life, against the real API, queue, database and Redis:
// an announced upload that is discarded says so, and the start of processing is announced once.
import { QUEUES, type TranscodeJobData } from '@reelkit/protocol';
import { Worker } from 'bullmq';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, startTestApi, type Member, type TestApi } from '../../../../test/support/api-server.js';
import { createVideoModel } from '../../src/videos/video-model.js';
import { enqueueTranscode } from '../../src/videos/transcode-queue.js';
import { connectClient, type Recorded, type TestClient } from '../support/realtime-client.js';
import { tusCreate, tusPatch } from '../../../../test/support/tus-requests.js';

const TUS = { 'tus-resumable': '1.0.0' };

let api: TestApi;
let admin: Member & { orgId: string };
let live: TestClient;

beforeAll(async () => {
  api = await startTestApi({}, { complete: true });
  admin = await signup(api.url, 'Live Org');
  live = await connectClient(api.url, admin.accessToken);
}, 60_000);

afterAll(async () => {
  live?.close();
  await api?.close();
});

const about = (videoId: string, event: string) => (e: Recorded) =>
  e.event === event && (e.payload as { videoId?: string }).videoId === videoId;

async function createUpload(length: number): Promise<{ url: string; videoId: string }> {
  const res = await tusCreate(api.url, { authorization: `Bearer ${admin.accessToken}` }, length, {
    filename: 'trip.mp4',
  });
  expect(res.status).toBe(201);
  const videoId = res.headers.get('reelkit-video-id')!;
  await live.waitFor(about(videoId, 'video:created'), 10_000);
  return { url: `${api.url}${res.headers.get('location')}`, videoId };
}

describe('discarded uploads', () => {
  it('announces video:deleted when an announced tus upload is terminated', async () => {
    const { url, videoId } = await createUpload(1000);
    const res = await fetch(url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin.accessToken}`, ...TUS },
    });
    expect(res.status).toBe(204);
    await live.waitFor(about(videoId, 'video:deleted'), 10_000);
  });

  it('announces video:deleted when an announced tus upload is refused for its bytes', async () => {
    const bytes = Buffer.alloc(4096, 'this is plain text, not a video container. ');
    const { url, videoId } = await createUpload(bytes.length);
    const res = await tusPatch(url, { authorization: `Bearer ${admin.accessToken}` }, 0, bytes);
    expect(res.status).toBe(415);
    await live.waitFor(about(videoId, 'video:deleted'), 10_000);
    expect(await createVideoModel(api.db).findById(videoId).lean()).toBeNull();
  });
});

describe('processing progress', () => {
  it('announces {probe, 0} once when a job starts, then the worker’s later progress', async () => {
    const Video = createVideoModel(api.db);
    const _id = new Types.ObjectId();
    const videoId = _id.toHexString();
    const sourceKey = `${admin.orgId}/${videoId}/source`;
    await Video.create({
      _id,
      orgId: new Types.ObjectId(admin.orgId),
      title: 'Progress',
      status: 'queued',
      progress: { stage: 'queued', percent: 0 },
      source: {
        key: sourceKey,
        size: 1,
        sha256: '0'.repeat(64),
        etag: '"x"',
        lastModified: new Date(),
        mimeType: 'video/mp4',
        container: 'mp4',
      },
      createdBy: { kind: 'user', id: admin.id },
    });
    // A stand-in for the transcoder that reports what transcodeVideo reports as it starts.
    const worker = new Worker<TranscodeJobData>(
      QUEUES.transcode,
      async (job) => {
        await job.updateProgress({ stage: 'probe', percent: 0 });
        await job.updateProgress({ stage: 'probe', percent: 100 });
        await job.updateProgress({ stage: 'thumbnails', percent: 0 });
        return null;
      },
      { connection: api.redis.duplicate(), prefix: api.config.REDIS_PREFIX },
    );
    worker.on('error', () => undefined);
    try {
      await enqueueTranscode(api.reelkit.queue, { orgId: admin.orgId, videoId, sourceKey });
      await live.waitFor(
        (e) => about(videoId, 'video:progress')(e) && (e.payload as { stage: string }).stage === 'thumbnails',
        30_000,
      );
      const progress = live.events
        .filter(about(videoId, 'video:progress'))
        .map((e) => e.payload as { stage: string; percent: number });
      expect(progress.filter((p) => p.stage === 'probe' && p.percent === 0)).toHaveLength(1);
      expect(progress.map((p) => `${p.stage}:${p.percent}`)).toEqual([
        'probe:0',
        'probe:100',
        'thumbnails:0',
      ]);
    } finally {
      await worker.close();
    }
  });
});
