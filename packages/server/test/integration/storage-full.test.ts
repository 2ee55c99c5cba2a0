import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { mountSmallVolume, type SmallVolume } from '../../../../test/support/small-volume.js';
import { startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';
import { TUS, tusCreate, tusHead, tusPatch } from '../../../../test/support/tus-requests.js';

// Uploads on a real 8 MiB tmpfs filled to ENOSPC: a clear 507 with a code, nothing left behind.
describe('uploads on a full storage volume', () => {
  let volume: SmallVolume;
  let t: VideoTestServer;
  let clip: Buffer;
  beforeAll(async () => {
    volume = await mountSmallVolume(8);
    t = await startVideoTestServer({ storageDir: volume.dir, isolate: 'full' });
    clip = await readFile(await makeClip({ width: 640, height: 360, seconds: 3 }));
    expect(clip.length).toBeGreaterThan(64 * 1024);
  });
  afterAll(async () => {
    await t?.close();
    await volume?.close();
  });

  async function expectStorageFull(res: Response) {
    expect(res.status).toBe(507);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('storage_full');
    expect(body.detail).not.toMatch(/\//); // no paths
  }

  it('a multipart upload answers 507 storage_full and keeps no file and no video', async () => {
    const org = t.newOrg();
    await volume.fill(clip.length / 2);
    try {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(clip)]), 'clip.mp4');
      await expectStorageFull(
        await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(org), body: form }),
      );
      expect(await t.filesOf(org)).toEqual([]);
      expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
    } finally {
      await volume.unfill();
    }
    // Space back: the same upload goes through.
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(clip)]), 'clip.mp4');
    const ok = await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(org), body: form });
    expect(ok.status).toBe(201);
  });

  async function createTus(org: string) {
    const res = await tusCreate(t.url, t.as(org), clip.length);
    expect(res.status).toBe(201);
    return {
      url: `${t.url}${res.headers.get('location')}`,
      id: res.headers.get('location')!.split('/').at(-1)!,
    };
  }
  const patch = (org: string, url: string, offset: number, body: Buffer) =>
    tusPatch(url, t.as(org), offset, body);
  const offsetOf = async (org: string, url: string) =>
    Number((await tusHead(url, t.as(org))).headers.get('upload-offset'));

  it('a tus chunk that hits a full volume answers 507, keeps nothing of itself, and resumes once there is room', async () => {
    const org = t.newOrg();
    const { url, id } = await createTus(org);
    const half = Math.floor(clip.length / 2);
    expect((await patch(org, url, 0, clip.subarray(0, half))).status).toBe(204);
    await volume.fill(64 * 1024);
    try {
      await expectStorageFull(await patch(org, url, half, clip.subarray(half)));
      expect(await offsetOf(org, url)).toBe(half);
      // Only the first part is stored: no temp file of the refused one.
      expect((await t.filesOf(org)).filter((f) => !f.endsWith('/data'))).toEqual([]);
      expect((await t.filesOf(org)).length).toBe(1);
    } finally {
      await volume.unfill();
    }
    expect((await patch(org, url, half, clip.subarray(half))).status).toBe(204);
    expect(await t.Video.findById(id).lean()).toMatchObject({
      status: 'queued',
      source: { size: clip.length },
    });
  });

  it('a tus creation that carries its first bytes answers 507 on a full volume and leaves no upload', async () => {
    const org = t.newOrg();
    await volume.fill(64 * 1024);
    try {
      await expectStorageFull(
        await fetch(`${t.url}/v1/uploads`, {
          method: 'POST',
          headers: {
            ...t.as(org),
            ...TUS,
            'upload-length': String(clip.length),
            'content-type': 'application/offset+octet-stream',
          },
          body: new Uint8Array(clip),
        }),
      );
      expect(await t.filesOf(org)).toEqual([]);
      expect(await t.Video.countDocuments({ orgId: org })).toBe(0);
    } finally {
      await volume.unfill();
    }
  });

  it('a tus upload whose last part fits but whose joined source does not takes the last part back', async () => {
    const org = t.newOrg();
    const { url, id } = await createTus(org);
    // Room for the part (the whole clip) but not for the source joined from it as well.
    await volume.fill(clip.length + clip.length / 2);
    try {
      await expectStorageFull(await patch(org, url, 0, clip));
      expect(await offsetOf(org, url)).toBe(0);
      expect(await t.filesOf(org)).toEqual([]);
      expect(await t.Video.findById(id).lean()).toMatchObject({
        status: 'uploading',
        upload: { offset: 0, parts: [] },
      });
    } finally {
      await volume.unfill();
    }
    // The client's retry (HEAD said 0) completes it.
    expect((await patch(org, url, 0, clip)).status).toBe(204);
    expect(await t.Video.findById(id).lean()).toMatchObject({
      status: 'queued',
      source: { size: clip.length },
    });
  });
});
