// The whole pipeline with real processes: upload through the API, a real transcoder worker
// (ffmpeg), results applied to MongoDB by the server — including when no server was listening.
import { readFile } from 'node:fs/promises';
import { QUEUES } from '@reelkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { makeClip } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import {
  TRANSCODE_TEST_TIMEOUT_MS,
  waitForJobOfVideo,
  waitForVideoStatus,
} from '../../../../test/support/wait-for-transcode.js';
import { createVideoModel } from '../../src/videos/video-model.js';

const WORKER_ENV = {
  X264_PRESET: 'ultrafast',
  HLS_SEGMENT_S: '2',
  LOCK_DURATION_MS: '4000',
};

async function upload(api: TestApi, token: string, file: string, title: string): Promise<string> {
  const form = new FormData();
  form.set('title', title);
  form.set('file', new Blob([new Uint8Array(await readFile(file))]), 'clip.mp4');
  const res = await call(api.url, 'POST', '/v1/videos', { token, body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

// Generous budgets: a transcode on a shared, busy machine can wait minutes for a core.
describe('upload → transcode → ready', { timeout: TRANSCODE_TEST_TIMEOUT_MS }, () => {
  const env = stackEnv();
  let api: TestApi;
  let worker: Proc | undefined;
  let admin: Awaited<ReturnType<typeof signup>>;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await signup(api.url);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await api?.reelkit.results.close();
    await api?.close();
  });

  it('a 720p upload becomes ready with the whole ladder, poster, storyboard, MP4 and a sensitivity verdict', async () => {
    await api.reelkit.results.start();
    worker = startTs('packages/transcoder/src/main.ts', { ...env, ...WORKER_ENV });
    await worker.waitFor(/worker ready/);
    const clip = await makeClip({ width: 1280, height: 720, seconds: 4, fps: 25 });
    const id = await upload(api, admin.accessToken, clip, 'Ladder');
    const video = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
    expect(video.status, JSON.stringify(video.error)).toBe('ready');
    expect(video.renditions.map((r: { rung: number }) => r.rung)).toEqual([720, 480, 360, 240]);
    expect(video.metadata).toMatchObject({ width: 1280, height: 720, hasAudio: true });
    expect(video.sensitivity).toMatchObject({ label: expect.stringMatching(/safe|review|flagged/) });
    expect(video.progress).toEqual({ stage: 'finalize', percent: 100 });

    const playback = await call(api.url, 'GET', `/v1/videos/${id}/playback`, { token: admin.accessToken });
    for (const url of [
      playback.body.hls,
      playback.body.poster,
      playback.body.storyboard,
      playback.body.mp4,
    ]) {
      const res = await fetch(String(url).replace(api.config.PUBLIC_URL, api.url));
      expect(res.status, url).toBe(200);
    }
    // The range route now serves the progressive rendition, not the upload.
    const file = await fetch(`${api.url}/v1/videos/${id}/file`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(Number(file.headers.get('content-length'))).not.toBe((await readFile(clip)).length);
    await file.arrayBuffer();
  });

  it('a result reaches the database even when no server was listening as the job finished', async () => {
    await api.reelkit.results.close();
    const clip = await makeClip({ width: 320, height: 240, seconds: 2, fps: 25 });
    const id = await upload(api, admin.accessToken, clip, 'While away');
    const job = await api.reelkit.queue.getJob(id);
    expect(job?.name).toBe('transcode');
    // Wait for the worker to finish with nobody applying results.
    await waitForJobOfVideo(api, id);
    expect(await job!.getState()).toBe('completed');
    expect(
      (await call(api.url, 'GET', `/v1/videos/${id}`, { token: admin.accessToken })).body.status,
    ).not.toBe('ready');

    // A server starts: it reconciles open videos with their finished jobs.
    const second = await startTestApi();
    try {
      await second.reelkit.results.start();
      const video = await waitForVideoStatus(second, admin.accessToken, id, ['ready']);
      expect(video.renditions.length).toBeGreaterThan(0);
    } finally {
      await second.reelkit.results.close();
      await second.close();
    }
  });

  it('a queued video whose job was lost is enqueued again by reconciliation and ends ready', async () => {
    await api.reelkit.results.start();
    // The server dies between the video's document and its job: simulated by pausing the queue,
    // uploading, and removing the job before any worker takes it.
    await api.reelkit.queue.pause();
    let id: string;
    try {
      const clip = await makeClip({ width: 320, height: 240, seconds: 2, fps: 25 });
      id = await upload(api, admin.accessToken, clip, 'Lost job');
      await (await api.reelkit.queue.getJob(id))!.remove();
      expect(await api.reelkit.queue.getJob(id)).toBeUndefined();
      // Recently changed: reconciliation leaves it (the upload route may be enqueueing right now).
      await api.reelkit.results.reconcile();
      expect(await api.reelkit.queue.getJob(id)).toBeUndefined();
      // A few minutes later, it is a lost job.
      const Video = createVideoModel(api.db);
      await Video.updateOne(
        { _id: id },
        { $set: { updatedAt: new Date(Date.now() - 5 * 60_000) } },
        { timestamps: false },
      );
      await api.reelkit.results.reconcile();
      expect((await api.reelkit.queue.getJob(id))?.data).toMatchObject({
        videoId: id,
        sourceKey: `${admin.orgId}/${id}/source`,
      });
    } finally {
      await api.reelkit.queue.resume();
    }
    const video = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
    expect(video.status).toBe('ready');
    expect(api.logs.some((l) => l.includes('the transcode job was lost'))).toBe(true);
  });

  it('a corrupt upload ends failed with a code, without retries', async () => {
    await api.reelkit.results.start();
    // Valid MP4 magic bytes (so the upload is accepted) followed by garbage.
    const head = Buffer.from('000000206674797069736f6d0000020069736f6d69736f32617663316d703431', 'hex');
    const bogus = Buffer.concat([head, Buffer.alloc(64 * 1024, 7)]);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bogus)]), 'broken.mp4');
    const res = await call(api.url, 'POST', '/v1/videos', { token: admin.accessToken, body: form });
    expect(res.status).toBe(201);
    const video = await waitForVideoStatus(api, admin.accessToken, res.body.id, ['ready', 'failed']);
    expect(video.status).toBe('failed');
    expect(video.error.code).toMatch(/^source_/);
    expect(video.error.message.length).toBeGreaterThan(0);
    expect((await api.reelkit.queue.getJob(res.body.id))?.attemptsMade).toBe(1);
  });

  it('kill -9 of a worker mid-job: the job runs again and the video ends ready', async () => {
    await worker?.stop('SIGKILL');
    const doomed = startTs('packages/transcoder/src/main.ts', { ...env, ...WORKER_ENV });
    await doomed.waitFor(/worker ready/);
    const clip = await makeClip({ width: 1280, height: 720, seconds: 8, fps: 25 });
    const id = await upload(api, admin.accessToken, clip, 'Survivor');
    await waitForVideoStatus(api, admin.accessToken, id, ['processing']);
    expect(await doomed.stop('SIGKILL')).toBe('SIGKILL');
    worker = startTs('packages/transcoder/src/main.ts', { ...env, ...WORKER_ENV });
    const video = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
    expect(video.status, JSON.stringify(video.error)).toBe('ready');
    const job = await api.reelkit.queue.getJob(id);
    expect(job?.attemptsMade ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('exposes queue health to admins and Prometheus metrics', async () => {
    const health = await call(api.url, 'GET', '/v1/admin/queue', { token: admin.accessToken });
    expect(health.status).toBe(200);
    expect(health.body.queue).toBe(QUEUES.transcode);
    expect(health.body.counts.completed).toBeGreaterThanOrEqual(2);
    expect(health.body.counts.failed).toBeGreaterThanOrEqual(1);
    expect(health.body.org).toEqual({ queued: expect.any(Number), processing: expect.any(Number) });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/reelkit_queue_jobs\{queue="transcode",state="completed"\} [1-9]/);
    expect(metrics).toMatch(/reelkit_transcode_job_duration_seconds_count [1-9]/);
    expect(metrics).toMatch(/reelkit_transcode_failures_total\{code="source_\w+"\} 1/);
    expect(metrics).toMatch(/reelkit_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/videos\/:id"/);
  });
});
