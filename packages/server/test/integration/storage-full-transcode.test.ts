// A transcode on a full scratch volume (a real 8 MiB tmpfs): it fails at once with the permanent
// `storage_full`, no paths in what users read, and is queued again on demand once there is room.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { makeClip } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { mountSmallVolume, type SmallVolume } from '../../../../test/support/small-volume.js';
import { isolatedStack, stackEnv } from '../../../../test/support/stack-env.js';
import {
  TRANSCODE_TEST_TIMEOUT_MS,
  waitForVideoStatus,
} from '../../../../test/support/wait-for-transcode.js';

describe('a transcode that hits a full volume', { timeout: TRANSCODE_TEST_TIMEOUT_MS * 2 }, () => {
  // Prefix and database of our own: no other file's worker may take this job.
  const env = { ...stackEnv(), ...isolatedStack('fulltx') };
  let volume: SmallVolume;
  let api: TestApi;
  let worker: Proc | undefined;
  let admin: Awaited<ReturnType<typeof signup>>;

  beforeAll(async () => {
    volume = await mountSmallVolume(8);
    // The timer's retry is out of the way: this test asks for it.
    api = await startTestApi({ ...isolatedStack('fulltx'), STORAGE_FULL_RETRY_S: '86400' });
    admin = await signup(api.url);
    await api.reelkit.results.start();
    worker = startTs('packages/transcoder/src/main.ts', {
      ...env,
      SCRATCH_DIR: volume.dir,
      X264_PRESET: 'ultrafast',
      HLS_SEGMENT_S: '2',
    });
    await worker.waitFor(/worker ready/);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await api?.reelkit.results.close();
    await api?.close();
    await volume?.close();
  });

  it('fails with storage_full (no retry loop), then becomes ready when an admin retries after space is freed', async () => {
    const clip = await readFile(await makeClip({ width: 640, height: 360, seconds: 3 }));
    await volume.fill(16 * 1024);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(clip)]), 'clip.mp4');
    const res = await call(api.url, 'POST', '/v1/videos', { token: admin.accessToken, body: form });
    expect(res.status).toBe(201);
    const id = res.body.id as string;

    const failed = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('storage_full');
    expect(failed.error.message).not.toMatch(/\/|ENOSPC/);
    // Permanent: one attempt, not three against a full disk.
    expect((await api.reelkit.queue.getJob(id))?.attemptsMade).toBe(1);
    // Nothing retries while the volume is full and nobody asks.
    const again = await call(api.url, 'POST', '/v1/admin/queue/retry-storage-full', {
      token: admin.accessToken,
    });
    expect(again.body).toEqual({ retried: 1 });
    expect((await waitForVideoStatus(api, admin.accessToken, id, ['failed'])).error.code).toBe(
      'storage_full',
    );

    await volume.unfill();
    const retry = await call(api.url, 'POST', '/v1/admin/queue/retry-storage-full', {
      token: admin.accessToken,
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ retried: 1 });
    const ready = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
    expect(ready.status, JSON.stringify(ready.error)).toBe('ready');
    expect(ready.error ?? null).toBeNull();
  });
});
