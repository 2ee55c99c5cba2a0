// Two API processes' worth of apps on STORAGE=s3 (the run's SeaweedFS) sharing MongoDB and Redis
// and no folder, plus one whose store is a closed port: uploads that hop between instances,
// delivery from the bucket, and what an outage answers.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Storage } from '@reelkit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { freePort, call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { isolatedStack, s3StackEnv, s3TestStorage } from '../../../../test/support/stack-env.js';
import { tusCreate, tusHead, tusPatch } from '../../../../test/support/tus-requests.js';

const TUS = { 'tus-resumable': '1.0.0' };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('API instances on S3 storage, sharing no folder', () => {
  const name = 's3api';
  const s3 = s3StackEnv(name);
  // Each instance is told of a media folder of its own that must never come to exist.
  const folders = ['a', 'b', 'down'].map((n) => join(tmpdir(), `reelkit-${name}-${n}-never`));
  const shared = {
    ...isolatedStack(name),
    JWT_SECRET: 'j'.repeat(40),
    PLAYBACK_KEYS: `k1:${'p'.repeat(40)}`,
  };
  let a: TestApi;
  let b: TestApi;
  let down: TestApi;
  let bucket: S3Storage;
  let clip: Buffer;
  let admin: Awaited<ReturnType<typeof signup>>;

  beforeAll(async () => {
    const closedPort = await freePort();
    [a, b, down] = await Promise.all([
      startTestApi({ ...shared, ...s3, STORAGE_DIR: folders[0]! }),
      startTestApi({ ...shared, ...s3, STORAGE_DIR: folders[1]! }),
      startTestApi({
        ...shared,
        ...s3,
        S3_ENDPOINT: `http://127.0.0.1:${closedPort}`,
        STORAGE_DIR: folders[2]!,
      }),
    ]);
    bucket = s3TestStorage(s3.S3_PREFIX!);
    clip = await readFile(await makeClip({ width: 320, height: 180, seconds: 3 }));
    admin = await signup(a.url);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), down?.close()]);
    bucket?.destroy();
  });

  const auth = () => ({ authorization: `Bearer ${admin.accessToken}` });

  /** A tus upload created on A whose PATCHes alternate A, B, A, B…; returns the video id. */
  async function uploadAlternating(parts: number): Promise<string> {
    const created = await tusCreate(a.url, auth(), clip.length, { filename: 'hop.mp4' });
    expect(created.status).toBe(201);
    const path = created.headers.get('location')!;
    const step = Math.ceil(clip.length / parts);
    for (let i = 0, offset = 0; offset < clip.length; i++) {
      const api = i % 2 === 0 ? a : b;
      const head = await tusHead(`${api.url}${path}`, auth());
      expect(Number(head.headers.get('upload-offset'))).toBe(offset);
      const chunk = clip.subarray(offset, offset + step);
      const res = await tusPatch(`${api.url}${path}`, auth(), offset, chunk);
      expect(res.status).toBe(204);
      offset += chunk.length;
      expect(res.headers.get('upload-offset')).toBe(String(offset));
    }
    return created.headers.get('reelkit-video-id')!;
  }

  it('a tus upload whose PATCHes alternate between two instances is byte-identical, parts gone', async () => {
    const id = await uploadAlternating(5);
    const video = await call(b.url, 'GET', `/v1/videos/${id}`, { token: admin.accessToken });
    expect(video.body).toMatchObject({ status: 'queued' });
    const prefix = `${admin.orgId}/${id}/`;
    expect(await bucket.list(prefix)).toEqual([`${prefix}source`]);
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.read(`${prefix}source`)) chunks.push(chunk as Buffer);
    const stored = Buffer.concat(chunks);
    expect(sha256(stored)).toBe(sha256(clip));
    for (const folder of folders) expect(existsSync(folder)).toBe(false);
  });

  it('serves /file from the bucket through the other instance: whole, ranges byte-exact, 304, 416', async () => {
    const id = await uploadAlternating(2);
    const url = `${b.url}/v1/videos/${id}/file`;
    const whole = await fetch(url, { headers: auth() });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(clip)).toBe(true);
    const etag = whole.headers.get('etag')!;
    for (const [start, end] of [
      [0, 0],
      [1000, 70_000],
      [clip.length - 10, clip.length - 1],
    ] as const) {
      const res = await fetch(url, { headers: { ...auth(), range: `bytes=${start}-${end}` } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${clip.length}`);
      expect(Buffer.from(await res.arrayBuffer()).equals(clip.subarray(start, end + 1))).toBe(true);
    }
    expect((await fetch(url, { headers: { ...auth(), 'if-none-match': etag } })).status).toBe(304);
    const beyond = await fetch(url, { headers: { ...auth(), range: `bytes=${clip.length}-` } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();

    // A viewer that goes away mid-file stops the download; the next request is served.
    const ctrl = new AbortController();
    const cut = await fetch(url, { headers: auth(), signal: ctrl.signal });
    ctrl.abort();
    await cut.body?.cancel().catch(() => undefined);
    expect((await fetch(url, { headers: { ...auth(), range: 'bytes=0-9' } })).status).toBe(206);

    // Deleting through A removes every object of the video.
    const del = await call(a.url, 'DELETE', `/v1/videos/${id}`, { token: admin.accessToken });
    expect(del.status).toBe(204);
    expect(await bucket.list(`${admin.orgId}/${id}/`)).toEqual([]);
  });

  it('a store that refuses connections answers 503 storage_unavailable with Retry-After, quickly', async () => {
    const id = await uploadAlternating(1);
    const minted = await call(down.url, 'POST', `/v1/videos/${id}/playback-tokens`, {
      token: admin.accessToken,
      body: {},
    });
    expect(minted.status).toBe(201);
    const token = minted.body.token as string;
    const started = Date.now();
    const answers = await Promise.all(
      [
        fetch(`${down.url}/v1/videos/${id}/file`, { headers: { ...auth(), range: 'bytes=0-99' } }),
        fetch(`${down.url}/v1/play/${token}/${id}/hls/master.m3u8`),
        fetch(`${down.url}/v1/play/${token}/${id}/poster.jpg`),
        fetch(`${down.url}/v1/uploads`, {
          method: 'POST',
          headers: {
            ...auth(),
            ...TUS,
            'upload-length': String(clip.length),
            'content-type': 'application/offset+octet-stream',
          },
          body: new Uint8Array(clip.subarray(0, 4096)),
        }),
      ].map(async (pending) => {
        const res = await pending;
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
      }),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({
        status: 503,
        retryAfter: expect.stringMatching(/^\d+$/),
        body: { code: 'storage_unavailable' },
      });
    }
    // The SDK's retries with backoff, not a socket timeout: seconds at most, even on a busy machine.
    expect(Date.now() - started).toBeLessThan(20_000);
    // The same video is served by an instance whose store answers.
    expect((await fetch(`${a.url}/v1/videos/${id}/file`, { headers: auth() })).status).toBe(200);
  });
});
