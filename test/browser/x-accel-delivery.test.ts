// DELIVERY_OFFLOAD=x-accel end to end: Debian's nginx-light on loopback with the shipped
// deploy/nginx/reelkit.conf.template in front of a real API, serving the bytes from storage after
// Reelkit's checks; hls.js in Chromium plays through it from another origin.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagOf } from '../../packages/server/src/videos/stored-file.js';
import { fileMtime } from '../../packages/storage/src/file-mtime.js';

/** nginx's ETag of a file, as Reelkit computes it from a stat (its second, never rounded up). */
const fileEtag = (stats: { size: number; mtimeMs: number }) =>
  etagOf({ size: stats.size, mtime: fileMtime(stats) });
import { call, rawGet, signup, startTestApi, type TestApi } from '../support/api-server.js';
import type { StaticSite, TestBrowser } from '../support/browser.js';
import { playWithHlsJs } from '../support/hls-page.js';
import { makeReadyVideo, type ReadyVideo } from '../support/hls-fixture.js';
import { expectByteExactRanges } from '../support/range-checks.js';
import { reelkitNginxConfig, startNginx, type RunningNginx } from '../support/nginx.js';
import { stackEnv } from '../support/stack-env.js';

const ACCEL_PREFIX = '/_reelkit_storage';
let clockOffset = 0;

describe('nginx in front, serving the bytes (DELIVERY_OFFLOAD=x-accel)', () => {
  let api: TestApi;
  let nginx: RunningNginx;
  let video: ReadyVideo;
  let admin: Awaited<ReturnType<typeof signup>>;
  let site: StaticSite | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    api = await startTestApi(
      { DELIVERY_OFFLOAD: 'x-accel', DELIVERY_ACCEL_PREFIX: ACCEL_PREFIX, TRUST_PROXY: 'true' },
      { now: () => Date.now() + clockOffset },
    );
    admin = await signup(api.url);
    video = await makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId, { seconds: 6 });
    const conf = (port: number, dir: string) =>
      reelkitNginxConfig({
        listen: `127.0.0.1:${port}`,
        upstream: new URL(api.url).host,
        storageDir: stackEnv().STORAGE_DIR,
        accelPrefix: ACCEL_PREFIX,
        decisionCacheDir: join(dir, 'decisions'),
      });
    nginx = await startNginx((port, dir) => ({ http: conf(port, dir) }));
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await nginx?.stop();
    await api?.close();
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

  it('Reelkit answers with X-Accel-Redirect and no bytes; nginx sends the file', async () => {
    const token = await mint();
    const direct = await fetch(play(token, 'hls/360p/seg_00001.m4s', api.url));
    expect(direct.status).toBe(200);
    expect(direct.headers.get('x-accel-redirect')).toBe(
      `${ACCEL_PREFIX}/${video.orgId}/${video.videoId}/hls/360p/seg_00001.m4s`,
    );
    expect((await direct.arrayBuffer()).byteLength).toBe(0);
    const file = join(video.dir, 'hls/360p/seg_00001.m4s');
    const res = await fetch(play(token, 'hls/360p/seg_00001.m4s'), {
      headers: { origin: 'https://shop.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(res.headers.get('content-type')).toBe('video/iso.segment');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toBe(fileEtag(await stat(file)));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(await res.arrayBuffer()).equals(await readFile(file))).toBe(true);
    const master = await fetch(play(token, 'hls/master.m3u8'));
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(master.headers.get('cache-control')).toBe('public, no-cache');
  });

  it('serves byte-exact ranges of segments and of the progressive file, with 304 and 416', async () => {
    const token = await mint();
    for (const [path, file] of [
      ['hls/240p/seg_00002.m4s', 'hls/240p/seg_00002.m4s'],
      ['file', 'mp4/360p.mp4'],
    ] as const) {
      const bytes = await readFile(join(video.dir, file));
      await expectByteExactRanges(play(token, path), bytes, path);
      const first = await fetch(play(token, path));
      await first.arrayBuffer();
      const etag = first.headers.get('etag')!;
      expect((await fetch(play(token, path), { headers: { 'if-none-match': etag } })).status).toBe(304);
      const beyond = await fetch(play(token, path), { headers: { range: `bytes=${bytes.length}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      expect(beyond.headers.get('cache-control') ?? '').not.toMatch(/max-age=[1-9]|immutable/);
      await beyond.arrayBuffer();
      // What nginx would refuse or split, Reelkit answers itself, as without nginx (RFC 9110 §14.2).
      for (const range of ['bytes=5-1', 'bytes=0-9,20-29']) {
        const whole = await fetch(play(token, path), { headers: { range } });
        expect(whole.status, range).toBe(200);
        expect(Buffer.from(await whole.arrayBuffer()).equals(bytes), range).toBe(true);
      }
      const head = await fetch(play(token, path), { method: 'HEAD', headers: { range: 'bytes=0-9' } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
    }
  });

  it('refuses forged and expired tokens (403), traversal (400), and the internal location (404)', async () => {
    const token = await mint({ ttlSeconds: 60 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`;
    const refused = await fetch(play(forged, 'hls/360p/seg_00001.m4s'));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('playback_token_invalid');
    expect(refused.headers.get('cache-control')).toBe('no-store');
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
      `/v1/play/${fresh}/${video.videoId}/hls%2F360p%2Fseg_00001.m4s`,
      `/v1/play/${fresh}/${video.videoId}/..%2f${video.videoId}%2fsource`,
    ]) {
      const res = await rawGet(nginx.url, path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body.toString()).code, path).toBe('playback_path_invalid');
    }
    const internal = await rawGet(nginx.url, `${ACCEL_PREFIX}/${video.orgId}/${video.videoId}/source`);
    expect(internal.status).toBe(404);
  });

  it('reuses a "yes" only for its token, video and Origin, and never past the token’s expiry', async () => {
    const seg = 'hls/360p/seg_00001.m4s';
    const shop = { origin: 'https://shop.example' };
    const token = await mint({ origins: [shop.origin] });
    const first = await fetch(play(token, seg), { headers: shop });
    expect(first.status).toBe(200);
    expect(first.headers.get('access-control-allow-origin')).toBe(shop.origin);
    expect(Buffer.from(await first.arrayBuffer()).equals(await readFile(join(video.dir, seg)))).toBe(true);
    // On the decision just kept: the init segment of the same video, with its own type and policy.
    const init = await fetch(play(token, 'hls/360p/init.mp4'), { headers: shop });
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    expect(init.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(init.headers.get('etag')).toBe(fileEtag(await stat(join(video.dir, 'hls/360p/init.mp4'))));
    expect(
      Buffer.from(await init.arrayBuffer()).equals(await readFile(join(video.dir, 'hls/360p/init.mp4'))),
    ).toBe(true);
    // Not for another origin, nor for a forged token of the same video, nor a missing file.
    const elsewhere = await fetch(play(token, seg), { headers: { origin: 'https://other.example' } });
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { code: string }).code).toBe('playback_origin_refused');
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = await fetch(play(`${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`, seg), {
      headers: shop,
    });
    expect(forged.status).toBe(403);
    await forged.arrayBuffer();
    const missing = await fetch(play(token, 'hls/360p/seg_09999.m4s'), { headers: shop });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    await missing.arrayBuffer();

    // A token with 4 s left on the server's clock: a "yes" is kept at most until it expires.
    const short = await mint({ ttlSeconds: 60 });
    const expiresAt = Date.now() + 4_000;
    clockOffset = 56_000;
    try {
      const seen: Array<{ sentAt: number; status: number }> = [];
      for (;;) {
        const sentAt = Date.now();
        const res = await fetch(play(short, seg));
        await res.arrayBuffer();
        seen.push({ sentAt, status: res.status });
        if (res.status === 403 && sentAt > expiresAt + 1_000) break;
        expect(Date.now() - expiresAt, JSON.stringify(seen)).toBeLessThan(30_000);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen[0]!.status).toBe(200);
      // The server's clock says the token expires within a second of expiresAt (whole seconds).
      const lateYes = seen.filter((x) => x.status === 200 && x.sentAt > expiresAt + 1_000);
      expect(lateYes, JSON.stringify(seen)).toEqual([]);
    } finally {
      clockOffset = 0;
    }
  });

  it('hls.js in Chromium plays the video through nginx from another origin', async () => {
    const token = await mint();
    const master = play(token, 'hls/master.m3u8');
    const played = await playWithHlsJs(master);
    ({ site, browser } = played);
    const state = played.result;
    expect(state.fatal, browser.logs.join('\n')).toBeUndefined();
    expect(state.fragments).toBeGreaterThan(1);
    expect(state.time).toBeGreaterThan(2);
  });
});
