// The embed surface on a real API (database, Redis): the stable script URL, the iframe page's
// access rules and headers, and oEmbed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { listen, type RunningServer } from '../listen.js';
import { createVideoModel, type VideoModel } from '../videos/video-model.js';
import { EmbedBundleMissingError, embedRoutes } from './routes.js';

let api: TestApi;
let server: RunningServer;
let base: string;
let Video: VideoModel;
let admin: Awaited<ReturnType<typeof signup>>;
let distDir: string;
let missingDir: string;
const ids: Record<'public' | 'unlisted' | 'private', string> = { public: '', unlisted: '', private: '' };

async function createVideo(visibility: 'public' | 'unlisted' | 'private', orgId: string): Promise<string> {
  const _id = new Types.ObjectId();
  await Video.create({
    _id,
    orgId: new Types.ObjectId(orgId),
    title: `A ${visibility} <video>`,
    visibility,
    status: 'ready',
    progress: { stage: 'finalize', percent: 100 },
    metadata: { duration: 6, width: 1080, height: 1920, rotation: 0 },
    createdBy: { kind: 'user', id: orgId },
  });
  return _id.toHexString();
}

const get = (path: string, headers: Record<string, string> = {}) => call(base, 'GET', path, { headers });

beforeAll(async () => {
  distDir = await mkdtemp(join(tmpdir(), 'reelkit-embed-dist-'));
  missingDir = join(distDir, 'missing');
  await writeFile(join(distDir, 'reelkit-player.iife.min.js'), 'console.log("reelkit")\n');
  api = await startTestApi({ PUBLIC_URL: 'https://video.example.com' }, { embedDistDir: distDir });
  Video = createVideoModel(api.db);
  const deps = {
    Video,
    Org: api.reelkit.models.Org,
    playbackTokens: api.reelkit.playbackTokens,
    publicUrl: api.config.PUBLIC_URL,
  };
  // createApp serves the test's bundle; a second router shows the missing-bundle answer.
  api.reelkit.app.use(
    embedRoutes({ ...deps, distDir: missingDir })
      .prefix('/missing-bundle')
      .routes(),
  );
  // Koa composes its middleware when a server is created: serve the app again, with the router.
  server = await listen(api.reelkit.app, 0, '127.0.0.1');
  base = server.url;
  admin = await signup(base, 'Embed Routes Org');
  for (const v of ['public', 'unlisted', 'private'] as const) ids[v] = await createVideo(v, admin.orgId);
});

afterAll(async () => {
  await server?.close(1000);
  await api?.close();
  if (distDir) await rm(distDir, { recursive: true, force: true });
});

describe('GET /embed/reelkit-player.js', () => {
  it('serves the bundle to any origin, cacheable for five minutes', async () => {
    const res = await get('/embed/reelkit-player.js', { origin: 'https://blog.example' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('console.log("reelkit")\n');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // fetch adds `Cache-Control: no-cache` to conditional requests unless one is given.
    const again = await get('/embed/reelkit-player.js', {
      'if-none-match': res.headers.get('etag')!,
      'cache-control': 'max-age=0',
    });
    expect(again.status).toBe(304);
  });

  it('sends it gzipped to a client that accepts gzip, plain to one that does not, each variant with its own ETag', async () => {
    const plain = await get('/embed/reelkit-player.js', { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toContain('Accept-Encoding');
    expect(plain.text).toBe('console.log("reelkit")\n');
    // fetch asks for gzip and unpacks the answer itself.
    const zipped = await get('/embed/reelkit-player.js', { 'accept-encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toContain('Accept-Encoding');
    expect(zipped.text).toBe('console.log("reelkit")\n');
    expect(zipped.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const revalidated = await get('/embed/reelkit-player.js', {
      'accept-encoding': 'gzip',
      'if-none-match': zipped.headers.get('etag')!,
      'cache-control': 'max-age=0',
    });
    expect(revalidated.status).toBe(304);
  });

  it('answers 503 problem+json telling to build when the bundle is missing', async () => {
    const res = await get('/missing-bundle/embed/reelkit-player.js');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'service_unavailable' });
    expect(res.body.detail).toContain('run npm run build');
  });

  it('refuses to start in production (requireBundle) when the bundle is missing', () => {
    const deps = {
      Video,
      Org: api.reelkit.models.Org,
      playbackTokens: api.reelkit.playbackTokens,
      publicUrl: api.config.PUBLIC_URL,
      requireBundle: true,
    };
    expect(() => embedRoutes({ ...deps, distDir: missingDir })).toThrow(EmbedBundleMissingError);
    expect(() => embedRoutes({ ...deps, distDir: missingDir })).toThrow(/npm run build/);
    expect(() => embedRoutes({ ...deps, distDir })).not.toThrow();
  });
});

describe('GET /embed/:videoId', () => {
  it('renders a public video anonymously, framable anywhere while the org lists no origins', async () => {
    const res = await get(`/embed/${ids.public}?autoplay=1&muted=1&start=3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("script-src 'self' https://video.example.com");
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.text).toContain(
      `<reelkit-player video-id="${ids.public}" api-base="https://video.example.com" autoplay muted playsinline start-time="3">`,
    );
    expect(res.text).not.toContain('token=');
    expect(res.text).toContain('<title>A public &#60;video&#62;</title>');
    expect(res.text).toContain(
      `<link rel="alternate" type="application/json+oembed" href="https://video.example.com/oembed?url=https%3A%2F%2Fvideo.example.com%2Fembed%2F${ids.public}&#38;format=json"`,
    );
  });

  it('mints a playback token for an unlisted video; only its own pages may frame it by default', async () => {
    const res = await get(`/embed/${ids.unlisted}`);
    expect(res.status).toBe(200);
    const token = /token="([^"]+)"/.exec(res.text)?.[1];
    expect(token).toBeDefined();
    expect(api.reelkit.playbackTokens.verify(token!)).toMatchObject({
      sub: ids.unlisted,
      orgId: admin.orgId,
    });
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'$/);
  });

  it('answers a 404 page for a private video without token, an unknown id or a malformed one', async () => {
    for (const path of [
      `/embed/${ids.private}`,
      `/embed/${new Types.ObjectId().toHexString()}`,
      '/embed/nope',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('does not exist or is not available');
    }
  });

  it('plays a private video with a valid token for it, and refuses another video’s token', async () => {
    const minted = await call(base, 'POST', `/v1/videos/${ids.private}/playback-tokens`, {
      token: admin.accessToken,
      body: { origins: ['https://intranet.example'] },
    });
    const res = await get(`/embed/${ids.private}?token=${minted.body.token}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`token="${minted.body.token}"`);
    expect(res.headers.get('content-security-policy')).toMatch(
      /frame-ancestors 'self' https:\/\/intranet\.example$/,
    );
    const wrong = await get(`/embed/${ids.public}?token=${minted.body.token}`);
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('invalid or has expired');
  });

  it('limits framing to the organisation’s embed origins once it lists some', async () => {
    const patch = await call(base, 'PATCH', '/v1/org', {
      token: admin.accessToken,
      body: { embedOrigins: ['https://blog.example'] },
    });
    expect(patch.status).toBe(200);
    const res = await get(`/embed/${ids.public}`);
    expect(res.headers.get('content-security-policy')).toMatch(
      /frame-ancestors 'self' https:\/\/blog\.example$/,
    );
    // The page's own requests would not pass the list: it carries a token.
    expect(res.text).toMatch(/token="[^"]+"/);
    await call(base, 'PATCH', '/v1/org', { token: admin.accessToken, body: { embedOrigins: [] } });
  });
});

describe('GET /oembed', () => {
  const embedUrl = (id: string) => `https://video.example.com/embed/${id}`;

  it('describes a video as an iframe sized by its aspect ratio and maxwidth/maxheight', async () => {
    const res = await get(
      `/oembed?url=${encodeURIComponent(embedUrl(ids.public))}&maxheight=400&format=json`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.body).toMatchObject({
      type: 'video',
      version: '1.0',
      title: 'A public <video>',
      provider_name: 'Reelkit',
      provider_url: 'https://video.example.com',
      width: 225,
      height: 400,
    });
    expect(res.body.html).toBe(
      `<iframe src="${embedUrl(ids.public)}" width="225" height="400" title="A public &#60;video&#62;" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; encrypted-media" allowfullscreen></iframe>`,
    );
    const watch = await get(
      `/oembed?url=${encodeURIComponent(`https://video.example.com/watch/${ids.unlisted}`)}`,
    );
    // A portrait video fits the default 640×640 box.
    expect(watch.body).toMatchObject({ width: 360, height: 640 });
  });

  it('answers 501 for xml, 404 for private videos and foreign URLs, 400 without url', async () => {
    expect((await get(`/oembed?url=${encodeURIComponent(embedUrl(ids.public))}&format=xml`)).status).toBe(
      501,
    );
    expect((await get(`/oembed?url=${encodeURIComponent(embedUrl(ids.private))}`)).status).toBe(404);
    expect(
      (await get(`/oembed?url=${encodeURIComponent(`https://evil.example/embed/${ids.public}`)}`)).status,
    ).toBe(404);
    expect((await get('/oembed')).status).toBe(400);
  });
});
