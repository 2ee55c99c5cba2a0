import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoModel } from '../../src/videos/video-model.js';
import { call, rawGet, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { makeReadyVideo, type ReadyVideo } from '../../../../test/support/hls-fixture.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

const KEY_A = `ka:${'a'.repeat(40)}`;
const KEY_B = `kb:${'b'.repeat(40)}`;
let clockOffset = 0;
const now = () => Date.now() + clockOffset;

describe('signed playback delivery', () => {
  let api: TestApi;
  let admin: Awaited<ReturnType<typeof signup>>;
  let video: ReadyVideo;
  let other: ReadyVideo;

  beforeAll(async () => {
    api = await startTestApi({ PLAYBACK_KEYS: KEY_A }, { now });
    admin = await signup(api.url);
    [video, other] = await Promise.all([
      makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId),
      makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId),
    ]);
  });
  afterAll(() => api?.close());

  const mint = async (videoId: string, body: object = {}) => {
    const res = await call(api.url, 'POST', `/v1/videos/${videoId}/playback-tokens`, {
      token: admin.accessToken,
      body,
    });
    expect(res.status).toBe(201);
    return res.body as {
      token: string;
      expiresAt: string;
      playback: { hls: string; mp4: string; poster: string };
    };
  };
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

  it('answers signed URLs for every file a player fetches, and they all play back the stored bytes', async () => {
    const { token, playback } = await mint(video.videoId);
    expect(playback.hls).toBe(`${api.config.PUBLIC_URL}/v1/play/${token}/${video.videoId}/hls/master.m3u8`);
    const master = await get(playback.hls.replace(api.config.PUBLIC_URL, api.url));
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(master.headers.get('cache-control')).toBe('public, no-cache');
    expect(await master.text()).toContain('360p/index.m3u8');
    const base = `${api.url}/v1/play/${token}/${video.videoId}/`;
    const seg = await get(`${base}hls/360p/seg_00001.m4s`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(seg.headers.get('access-control-allow-origin')).toBe('*');
    // Answered ahead of the API's middleware chain, with the same security headers and request id.
    expect(seg.headers.get('x-content-type-options')).toBe('nosniff');
    expect(seg.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(seg.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      Buffer.from(await seg.arrayBuffer()).equals(await readFile(join(video.dir, 'hls/360p/seg_00001.m4s'))),
    ).toBe(true);
    for (const path of ['hls/360p/index.m3u8', 'hls/240p/init.mp4', 'poster.jpg', 'mp4/360p.mp4']) {
      expect((await get(`${base}${path}`)).status, path).toBe(200);
    }
    const range = await get(`${base}file`, { range: 'bytes=0-99' });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(100);
  });

  it('refuses a tampered token, another video’s token, and an access token (403 with a code)', async () => {
    const { token } = await mint(video.videoId);
    const [h, p, s] = token.split('.') as [string, string, string];
    const cases: Array<[string, string, string]> = [
      ['tampered signature', `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`, video.videoId],
      [
        'tampered payload',
        `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: other.videoId })).toString('base64url')}.${s}`,
        other.videoId,
      ],
      ['another video in the path', token, other.videoId],
      ['an access token', admin.accessToken, video.videoId],
      ['garbage', 'not-a-token', video.videoId],
    ];
    for (const [name, t, id] of cases) {
      const res = await get(`${api.url}/v1/play/${t}/${id}/hls/master.m3u8`);
      expect(res.status, name).toBe(403);
      const body = (await res.json()) as { code: string };
      expect(body.code, name).toMatch(/^playback_(token_invalid|video_mismatch)$/);
    }
  });

  it('refuses a playback token as an API access token', async () => {
    const { token } = await mint(video.videoId);
    const res = await call(api.url, 'GET', '/v1/me', { token });
    expect(res.status).toBe(401);
  });

  it('expires: the same URL answers 403 playback_token_expired once the clock passes exp', async () => {
    const { token } = await mint(video.videoId, { ttlSeconds: 60 });
    const url = `${api.url}/v1/play/${token}/${video.videoId}/hls/360p/seg_00002.m4s`;
    expect((await get(url)).status).toBe(200);
    clockOffset = 61_000;
    try {
      const res = await get(url);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('playback_token_expired');
    } finally {
      clockOffset = 0;
    }
  });

  it('caps the lifetime at the configured maximum', async () => {
    const res = await call(api.url, 'POST', `/v1/videos/${video.videoId}/playback-tokens`, {
      token: admin.accessToken,
      body: { ttlSeconds: 90_000 },
    });
    expect(res.status).toBe(400);
    const ok = await mint(video.videoId);
    expect(new Date(ok.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(3600_000 + 1000);
  });

  it('binds a token to its origins when it carries some', async () => {
    const { token } = await mint(video.videoId, { origins: ['https://shop.example'] });
    const url = `${api.url}/v1/play/${token}/${video.videoId}/hls/master.m3u8`;
    expect((await get(url, { origin: 'https://shop.example' })).status).toBe(200);
    const refused = await get(url, { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('playback_origin_refused');
  });

  it.each([
    '../../source',
    '..%2f..%2fsource',
    '%2e%2e/%2e%2e/source',
    'hls/..%2f..%2fsource',
    'hls%2f..%2f..%2fsource',
    'hls/360p/../../../source',
    '/etc/passwd',
    'source',
    '..%5c..%5csource',
  ])('refuses the traversal %j and reads nothing outside the allow-list', async (path) => {
    const { token } = await mint(video.videoId);
    const res = await rawGet(api.url, `/v1/play/${token}/${video.videoId}/${path}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const source = await readFile(join(video.dir, 'source'));
    expect(res.body.includes(source.subarray(0, 64))).toBe(false);
  });

  it('rotates keys: old tokens verify until their key is retired, which revokes them', async () => {
    const { token } = await mint(video.videoId);
    const path = `/v1/play/${token}/${video.videoId}/hls/master.m3u8`;
    const rotated = await startTestApi({ PLAYBACK_KEYS: `${KEY_B},${KEY_A}` });
    try {
      expect((await get(`${rotated.url}${path}`)).status).toBe(200);
      const fresh = await call(rotated.url, 'POST', `/v1/videos/${video.videoId}/playback-tokens`, {
        token: admin.accessToken,
        body: {},
      });
      const header = JSON.parse(Buffer.from(fresh.body.token.split('.')[0], 'base64url').toString()) as {
        kid: string;
      };
      expect(header.kid).toBe('kb');
    } finally {
      await rotated.close();
    }
    const retired = await startTestApi({ PLAYBACK_KEYS: KEY_B });
    try {
      const res = await get(`${retired.url}${path}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('playback_token_invalid');
    } finally {
      await retired.close();
    }
  });

  it('public videos: anonymous playback from allowed origins; private ones stay hidden', async () => {
    const pub = await makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId, {
      visibility: 'public',
      seconds: 4,
    });
    expect((await call(api.url, 'GET', `/v1/videos/${video.videoId}/playback`)).status).toBe(404);
    const open = await call(api.url, 'GET', `/v1/videos/${pub.videoId}/playback`, {
      headers: { origin: 'https://any.example' },
    });
    expect(open.status).toBe(200);
    expect(open.headers.get('access-control-allow-origin')).toBe('*');
    expect(open.body).toMatchObject({ status: 'ready', duration: 4 });
    expect((await get(open.body.hls.replace(api.config.PUBLIC_URL, api.url))).status).toBe(200);

    await call(api.url, 'PATCH', '/v1/org', {
      token: admin.accessToken,
      body: { embedOrigins: ['https://blog.example'] },
    });
    const allowed = await call(api.url, 'GET', `/v1/videos/${pub.videoId}/playback`, {
      headers: { origin: 'https://blog.example' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://blog.example');
    const refused = await call(api.url, 'GET', `/v1/videos/${pub.videoId}/playback`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('playback_origin_refused');
    await call(api.url, 'PATCH', '/v1/org', { token: admin.accessToken, body: { embedOrigins: [] } });
  });

  it('answers exactly what the response schemas of its routes document', async () => {
    const schemaOf = (method: string, path: string) => {
      const route = api.reelkit.routes.find((r) => r.method === method && r.path === path);
      if (!route?.response) throw new Error(`${method} ${path} has no response schema`);
      return route.response;
    };
    const descriptor = schemaOf('get', '/v1/videos/:id/playback');
    const minted = schemaOf('post', '/v1/videos/:id/playback-tokens');
    const expectValid = (schema: typeof descriptor, body: unknown, what: string) => {
      const checked = schema.safeParse(body);
      expect(checked.success ? [] : checked.error.issues, what).toEqual([]);
    };
    // A video still processing: every URL, the duration and the aspect ratio are null.
    const pending = await createVideoModel(api.db).create({
      orgId: admin.orgId,
      title: 'Still processing',
      status: 'processing',
      progress: { stage: 'transcode', percent: 40 },
      createdBy: { kind: 'user', id: admin.id },
    });
    const pub = await makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId, { visibility: 'public' });
    for (const id of [video.videoId, String(pending._id)]) {
      const token = await call(api.url, 'POST', `/v1/videos/${id}/playback-tokens`, {
        token: admin.accessToken,
        body: { origins: ['https://shop.example'] },
      });
      expect(token.status).toBe(201);
      expectValid(minted, token.body, `minted token of ${id}`);
      const member = await call(api.url, 'GET', `/v1/videos/${id}/playback`, { token: admin.accessToken });
      expect(member.status).toBe(200);
      expectValid(descriptor, member.body, `member descriptor of ${id}`);
      const byToken = await call(api.url, 'GET', `/v1/videos/${id}/playback?token=${token.body.token}`);
      expect(byToken.status).toBe(200);
      expectValid(descriptor, byToken.body, `descriptor by token of ${id}`);
    }
    const anonymous = await call(api.url, 'GET', `/v1/videos/${pub.videoId}/playback`);
    expect(anonymous.status).toBe(200);
    expectValid(descriptor, anonymous.body, 'anonymous descriptor of a public video');
    // Strict: a field the schema does not document is refused.
    expect(descriptor.safeParse({ ...anonymous.body, extra: 1 }).success).toBe(false);
  });

  it('a member gets a descriptor with fresh signed URLs', async () => {
    const res = await call(api.url, 'GET', `/v1/videos/${video.videoId}/playback`, {
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ videoId: video.videoId, status: 'ready', duration: 8 });
    expect(res.body.renditions.map((r: { rung: number }) => r.rung)).toEqual([360, 240]);
    expect(res.body.poster).toMatch(/\/poster\.jpg$/);
    const byToken = await call(
      api.url,
      'GET',
      `/v1/videos/${video.videoId}/playback?token=${res.body.token}`,
    );
    expect(byToken.status).toBe(200);
    expect(byToken.body.hls).toBe(res.body.hls);
  });
});
