import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { makeReadyVideo, type ReadyVideo } from '../../../../test/support/hls-fixture.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

const KEYS = `kf:${'f'.repeat(40)}`;
let clockOffset = 0;
const now = () => Date.now() + clockOffset;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a client sees, less what differs per response by design (date, request id). */
async function answer(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name !== 'date' && name !== 'x-request-id' && name !== 'connection' && name !== 'keep-alive')
      headers[name] = value;
  });
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * The delivery front (`playback/delivery-front.ts`) answers held files before Koa; with
 * `DELIVERY_CACHE_MB=0` the same requests go through the route. Both servers read the same storage
 * with the same keys, so every answer must be the same, byte for byte and header for header.
 */
describe('signed delivery in front of Koa', () => {
  let front: TestApi;
  let route: TestApi;
  let video: ReadyVideo;
  let token: string;
  let bound: string;

  beforeAll(async () => {
    [front, route] = await Promise.all([
      startTestApi({ PLAYBACK_KEYS: KEYS }, { now }),
      startTestApi({ PLAYBACK_KEYS: KEYS, DELIVERY_CACHE_MB: '0' }, { now }),
    ]);
    const admin = await signup(front.url);
    video = await makeReadyVideo(front.db, stackEnv().STORAGE_DIR, admin.orgId);
    const mint = async (body: object) => {
      const res = await call(front.url, 'POST', `/v1/videos/${video.videoId}/playback-tokens`, {
        token: admin.accessToken,
        body,
      });
      expect(res.status).toBe(201);
      return (res.body as { token: string }).token;
    };
    token = await mint({ ttlSeconds: 60 });
    bound = await mint({ origins: ['https://shop.example'] });
  });
  afterAll(() => Promise.all([front?.close(), route?.close()]));

  const both = async (path: string, init: RequestInit = {}) => {
    // Twice on the front: the first may load the file, the second is answered from memory.
    const first = await answer(`${front.url}${path}`, init);
    const held = await answer(`${front.url}${path}`, init);
    const reference = await answer(`${route.url}${path}`, init);
    expect(first, `${path} ${JSON.stringify(init.headers ?? {})} (first)`).toEqual(reference);
    expect(held, `${path} ${JSON.stringify(init.headers ?? {})} (held)`).toEqual(reference);
    return reference;
  };

  it('answers segments, init segments, playlists and images exactly as the route does', async () => {
    const base = `/v1/play/${token}/${video.videoId}/`;
    for (const file of ['hls/360p/seg_00001.m4s', 'hls/240p/init.mp4', 'hls/360p/index.m3u8', 'poster.jpg']) {
      const got = await both(`${base}${file}`);
      expect(got.status, file).toBe(200);
      expect(got.body.equals(await readFile(join(video.dir, file))), file).toBe(true);
      await both(`${base}${file}`, { method: 'HEAD' });
    }
    const seg = `${base}hls/360p/seg_00001.m4s`;
    const { headers } = await both(seg);
    expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect((await both(seg, { headers: { range: 'bytes=10-99' } })).status).toBe(206);
    expect((await both(seg, { headers: { range: 'bytes=-5' } })).body.length).toBe(5);
    expect((await both(seg, { headers: { 'if-none-match': headers.etag! } })).status).toBe(304);
    expect((await both(seg, { headers: { 'if-modified-since': headers['last-modified']! } })).status).toBe(
      304,
    );
    expect((await both(seg, { headers: { range: 'bytes=0-9', 'if-range': '"stale-tag"' } })).status).toBe(
      200,
    );
    // Answers sent outside Koa are still timed, under the route's pattern.
    const metrics = await (await fetch(`${front.url}/metrics`)).text();
    for (const status of ['200', '206', '304'])
      expect(metrics).toContain(
        `reelkit_http_request_duration_seconds_count{method="GET",route="/v1/play/:token/:videoId/*path",status="${status}"}`,
      );
  });

  it('leaves every refusal to the route: the same 400, 403, 404, 412 and 416 problem documents', async () => {
    const seg = `hls/360p/seg_00001.m4s`;
    const [h, p, s] = token.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`;
    const cases: Array<[string, RequestInit, number]> = [
      [`/v1/play/${tampered}/${video.videoId}/${seg}`, {}, 403],
      [`/v1/play/${token}/${'0'.repeat(24)}/${seg}`, {}, 403],
      [`/v1/play/${bound}/${video.videoId}/${seg}`, { headers: { origin: 'https://evil.example' } }, 403],
      [`/v1/play/${token}/${video.videoId}/hls/360p/seg_00999.m4s`, {}, 404],
      [`/v1/play/${token}/${video.videoId}/hls/360p/seg_1.m4s`, {}, 400],
      [`/v1/play/${token}/${video.videoId}/${seg}`, { headers: { 'if-match': '"other"' } }, 412],
      [`/v1/play/${token}/${video.videoId}/${seg}`, { headers: { range: 'bytes=99999999-' } }, 416],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(`${front.url}${path}`, init);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toBe('application/problem+json');
      const reference = await fetch(`${route.url}${path}`, init);
      const { requestId: _a, ...problem } = (await res.json()) as Record<string, unknown>;
      const { requestId: _b, ...expected } = (await reference.json()) as Record<string, unknown>;
      expect(problem, path).toEqual(expected);
    }
    // An origin the token allows gets that origin back, as from the route.
    const allowed = await both(`/v1/play/${bound}/${video.videoId}/${seg}`, {
      headers: { origin: 'https://shop.example' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
  });

  it('refuses a held segment once its token has expired', async () => {
    const url = `${front.url}/v1/play/${token}/${video.videoId}/hls/360p/seg_00002.m4s`;
    expect((await fetch(url)).status).toBe(200);
    clockOffset = 61_000;
    try {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('playback_token_expired');
    } finally {
      clockOffset = 0;
    }
  });
});
