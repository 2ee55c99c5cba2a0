// DELIVERY_OFFLOAD=x-accel on S3 storage end to end: Debian's nginx-light on loopback with the
// shipped deploy/nginx/reelkit-s3.conf.template in front of a real API whose storage is the test
// SeaweedFS. Reelkit checks the token, path and origin and redirects to a presigned GET; nginx
// proxies it to the bucket. hls.js in Chromium plays through it from another origin.
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { S3Storage } from '@reelkit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, rawGet, signup, startTestApi, type TestApi } from '../support/api-server.js';
import type { StaticSite, TestBrowser } from '../support/browser.js';
import { playWithHlsJs } from '../support/hls-page.js';
import { makeReadyVideo, type ReadyVideo } from '../support/hls-fixture.js';
import { expectByteExactRanges } from '../support/range-checks.js';
import { reelkitS3NginxConfig, startNginx, type RunningNginx } from '../support/nginx.js';
import { s3StackEnv, s3TestStorage, stackEnv } from '../support/stack-env.js';

const ACCEL_PREFIX = '/_reelkit_storage';
let clockOffset = 0;

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('nginx in front of S3 storage, proxying presigned GETs (DELIVERY_OFFLOAD=x-accel)', () => {
  const s3 = s3StackEnv('x-accel-s3');
  let api: TestApi;
  let nginx: RunningNginx;
  let video: ReadyVideo;
  let bucket: S3Storage;
  let work: string;
  let admin: Awaited<ReturnType<typeof signup>>;
  let site: StaticSite | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    api = await startTestApi(
      { ...s3, DELIVERY_OFFLOAD: 'x-accel', DELIVERY_ACCEL_PREFIX: ACCEL_PREFIX, TRUST_PROXY: 'true' },
      { now: () => Date.now() + clockOffset },
    );
    admin = await signup(api.url);
    // Made in a folder, then put in the bucket where the transcoder would have published it.
    work = await mkdtemp(join(tmpdir(), 'reelkit-x-accel-s3-'));
    video = await makeReadyVideo(api.db, work, admin.orgId, { seconds: 6 });
    bucket = s3TestStorage(s3.S3_PREFIX!);
    for (const file of await filesBelow(video.dir))
      await bucket.write(relative(work, file), createReadStream(file));
    const conf = (port: number) =>
      reelkitS3NginxConfig({
        listen: `127.0.0.1:${port}`,
        upstream: new URL(api.url).host,
        accelPrefix: ACCEL_PREFIX,
        s3Endpoint: stackEnv().S3_ENDPOINT,
      });
    nginx = await startNginx((port) => ({ http: conf(port) }));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await nginx?.stop();
    await api?.close();
    await bucket?.deletePrefix(`${admin.orgId}/`);
    bucket?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const mint = async (body: object = {}) => {
    const res = await call(api.url, 'POST', `/v1/videos/${video.videoId}/playback-tokens`, {
      token: admin.accessToken,
      body,
    });
    expect(res.status).toBe(201);
    return (res.body as { token: string }).token;
  };
  const play = (token: string, path: string, base = nginx.url) =>
    `${base}/v1/play/${token}/${video.videoId}/${path}`;
  const local = (path: string) => readFile(join(video.dir, path));

  it('Reelkit redirects to a presigned GET of the object; nginx proxies it from the bucket', async () => {
    const token = await mint();
    const direct = await fetch(play(token, 'hls/360p/seg_00001.m4s', api.url));
    expect(direct.status).toBe(200);
    const location = new URL(direct.headers.get('x-accel-redirect')!, 'http://nginx');
    expect(location.pathname).toBe(
      `${ACCEL_PREFIX}/a/public,max-age=31536000,immutable/${s3.S3_BUCKET}/${s3.S3_PREFIX}${video.orgId}/${video.videoId}/hls/360p/seg_00001.m4s`,
    );
    expect(location.searchParams.get('X-Amz-Expires')).toBe('10');
    expect((await direct.arrayBuffer()).byteLength).toBe(0);

    const res = await fetch(play(token, 'hls/360p/seg_00001.m4s'), {
      headers: { origin: 'https://shop.example', cookie: 'session=1', authorization: 'Bearer x' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(res.headers.get('content-type')).toBe('video/iso.segment');
    expect(res.headers.get('cache-control')).toBe('public,max-age=31536000,immutable');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
    expect(res.headers.get('x-amz-request-id')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(await local('hls/360p/seg_00001.m4s'))).toBe(true);

    // A token bound to origins: the origin is echoed, as Reelkit does.
    const bound = await mint({ origins: ['https://shop.example'] });
    const echoed = await fetch(play(bound, 'hls/360p/init.mp4'), {
      headers: { origin: 'https://shop.example' },
    });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(Buffer.from(await echoed.arrayBuffer()).equals(await local('hls/360p/init.mp4'))).toBe(true);
  });

  it('serves byte-exact ranges of segments and of the progressive file, with HEAD, 304 and 416', async () => {
    const token = await mint();
    for (const [path, file] of [
      ['hls/240p/seg_00002.m4s', 'hls/240p/seg_00002.m4s'],
      ['file', 'mp4/360p.mp4'],
    ] as const) {
      const bytes = await local(file);
      await expectByteExactRanges(play(token, path), bytes, path);
      const first = await fetch(play(token, path));
      expect(Buffer.from(await first.arrayBuffer()).equals(bytes)).toBe(true);
      const etag = first.headers.get('etag')!;
      expect(etag).toBeTruthy();
      const notModified = await fetch(play(token, path), { headers: { 'if-none-match': etag } });
      expect(notModified.status).toBe(304);
      const head = await fetch(play(token, path), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
      const beyond = await fetch(play(token, path), { headers: { range: `bytes=${bytes.length}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      expect(beyond.headers.get('cache-control') ?? '').not.toMatch(/max-age=[1-9]|immutable/);
      await beyond.arrayBuffer();
    }
  });

  it('refuses forged and expired tokens (403), traversal (400) and the internal location (404)', async () => {
    const token = await mint({ ttlSeconds: 60 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`;
    const refused = await fetch(play(forged, 'hls/360p/seg_00001.m4s'));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('playback_token_invalid');
    clockOffset = 61_000;
    try {
      const expired = await fetch(play(token, 'hls/360p/seg_00001.m4s'));
      expect(expired.status).toBe(403);
      expect(((await expired.json()) as { code: string }).code).toBe('playback_token_expired');
    } finally {
      clockOffset = 0;
    }
    const fresh = await mint();
    for (const path of [
      `/v1/play/${fresh}/${video.videoId}/hls/..%2F..%2F..%2Fsource`,
      `/v1/play/${fresh}/${video.videoId}/..%2f${video.videoId}%2fsource`,
    ]) {
      const res = await rawGet(nginx.url, path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body.toString()).code, path).toBe('playback_path_invalid');
    }
    // The internal location, even with a valid presigned query, is not reachable from outside.
    const direct = await fetch(play(fresh, 'hls/360p/seg_00001.m4s', api.url));
    const internal = await rawGet(nginx.url, direct.headers.get('x-accel-redirect')!);
    expect(internal.status).toBe(404);
  });

  it('the presigned GET is short-lived: the store refuses it once expired', async () => {
    const key = `${video.orgId}/${video.videoId}/hls/360p/seg_00001.m4s`;
    const signed = await bucket.presignGet(key, 1);
    const url = `${new URL(stackEnv().S3_ENDPOINT).origin}${signed.path}?${signed.query}`;
    expect((await fetch(url)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await fetch(url)).status).toBe(403);
  });

  it('hls.js in Chromium plays the video through nginx from another origin', async () => {
    const token = await mint();
    const played = await playWithHlsJs(play(token, 'hls/master.m3u8'));
    ({ site, browser } = played);
    const state = played.result;
    expect(state.fatal, browser.logs.join('\n')).toBeUndefined();
    expect(state.fragments).toBeGreaterThan(1);
    expect(state.time).toBeGreaterThan(2);
  }, 120_000);
});
