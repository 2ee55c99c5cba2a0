// Every authenticated /v1 route × every auth case, generated from the app's route table: a route
// added tomorrow is covered tomorrow (and fails here until it has a sample request).
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { roleAtLeast, type Role } from '@reelkit/protocol';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCES, ISSUER, type RouteSpec } from '../../src/index.js';
import { createVideoModel } from '../../src/videos/video-model.js';
import { makeClip } from '../../../../test/support/clips.js';
import { fixtureMetadata } from '../../../../test/support/hls-fixture.js';
import {
  addMember,
  call,
  signup,
  startTestApi,
  uniqueEmail,
  type Member,
  type TestApi,
} from '../../../../test/support/api-server.js';

interface Fixture {
  api: TestApi;
  /** A video of organisation A, with a stored source file. */
  videoId: string;
  /** A `ready` video of organisation A, one second long with one audio track (for dubs). */
  readyVideoId: string;
  /** A dub being transcoded on the ready video (for routes that remove it): its id. */
  newDub(): Promise<string>;
  /** A small real clip. */
  clip: Uint8Array<ArrayBuffer>;
  /** A fresh video of organisation A (for routes that destroy it). */
  newVideo(): Promise<string>;
  /** A fresh tus upload of organisation A: its path. */
  newUpload(): Promise<string>;
  tusCreate: Record<string, string>;
  orgA: { admin: Member & { orgId: string }; editor: Member; viewer: Member };
  orgB: { admin: Member & { orgId: string } };
}

type Sample = (fx: Fixture) => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;

const TUS = { 'tus-resumable': '1.0.0' };

/** A valid request for each route, against organisation A's resources. */
const samples: Record<string, Sample> = {
  'get /v1/me': async () => ({ path: '/v1/me' }),
  'get /v1/users': async () => ({ path: '/v1/users' }),
  'post /v1/users': async () => ({
    path: '/v1/users',
    body: { email: uniqueEmail('invitee'), role: 'viewer' },
  }),
  'patch /v1/users/:id': async (fx) => ({
    path: `/v1/users/${fx.orgA.viewer.id}`,
    body: { name: 'Renamed Viewer' },
  }),
  'delete /v1/users/:id': async (fx) => {
    const invite = await call(fx.api.url, 'POST', '/v1/users', {
      token: fx.orgA.admin.accessToken,
      body: { email: uniqueEmail('doomed'), role: 'viewer' },
    });
    return { path: `/v1/users/${invite.body.user.id}` };
  },
  'get /v1/org': async () => ({ path: '/v1/org' }),
  'patch /v1/org': async () => ({ path: '/v1/org', body: { name: 'Acme Renamed' } }),
  'get /v1/api-keys': async () => ({ path: '/v1/api-keys' }),
  'post /v1/videos/:id/playback-tokens': async (fx) => ({
    path: `/v1/videos/${fx.videoId}/playback-tokens`,
    body: {},
  }),
  'post /v1/api-keys': async () => ({ path: '/v1/api-keys', body: { name: 'ci', role: 'viewer' } }),
  'delete /v1/api-keys/:id': async (fx) => {
    const key = await call(fx.api.url, 'POST', '/v1/api-keys', {
      token: fx.orgA.admin.accessToken,
      body: { name: 'doomed', role: 'viewer' },
    });
    return { path: `/v1/api-keys/${key.body.apiKey.id}` };
  },
  'get /v1/webhooks': async () => ({ path: '/v1/webhooks' }),
  'post /v1/webhooks': async () => ({
    path: '/v1/webhooks',
    body: { url: WEBHOOK_SAMPLE_URL, events: ['video.ready'] },
  }),
  'patch /v1/webhooks/:id': async (fx) => ({
    path: `/v1/webhooks/${await sharedWebhook(fx)}`,
    body: { events: ['video.ready', 'video.failed'] },
  }),
  'delete /v1/webhooks/:id': async (fx) => ({ path: `/v1/webhooks/${await createWebhook(fx)}` }),
  'get /v1/webhooks/:id/deliveries': async (fx) => ({
    path: `/v1/webhooks/${await sharedWebhook(fx)}/deliveries`,
  }),
  'post /v1/webhooks/:id/rotate-secret': async (fx) => ({
    path: `/v1/webhooks/${await createWebhook(fx)}/rotate-secret`,
    body: {},
  }),
  'get /v1/admin/queue': async () => ({ path: '/v1/admin/queue' }),
  'post /v1/admin/catalogue/reconcile': async () => ({ path: '/v1/admin/catalogue/reconcile' }),
  'post /v1/admin/queue/retry-storage-full': async () => ({ path: '/v1/admin/queue/retry-storage-full' }),
  'post /v1/videos': async (fx) => {
    const form = new FormData();
    form.set('title', 'Matrix upload');
    form.set('file', new Blob([fx.clip]), 'clip.mp4');
    return { path: '/v1/videos', body: form };
  },
  'get /v1/videos': async () => ({ path: '/v1/videos' }),
  'get /v1/videos/stats': async () => ({ path: '/v1/videos/stats' }),
  'get /v1/videos/:id': async (fx) => ({ path: `/v1/videos/${fx.videoId}` }),
  'patch /v1/videos/:id': async (fx) => ({ path: `/v1/videos/${fx.videoId}`, body: { title: 'Renamed' } }),
  'delete /v1/videos/:id': async (fx) => ({ path: `/v1/videos/${await fx.newVideo()}` }),
  'get /v1/videos/:id/file': async (fx) => ({ path: `/v1/videos/${fx.videoId}/file` }),
  'post /v1/videos/:id/captions': async (fx) => ({
    path: `/v1/videos/${fx.videoId}/captions`,
    body: captionForm(),
  }),
  'get /v1/videos/:id/captions': async (fx) => ({ path: `/v1/videos/${fx.videoId}/captions` }),
  'post /v1/videos/:id/audio-tracks': async (fx) => {
    const form = new FormData();
    form.set('language', 'fr');
    form.set('file', new Blob([fx.clip]), 'dub.mp4');
    return { path: `/v1/videos/${fx.readyVideoId}/audio-tracks`, body: form };
  },
  'get /v1/videos/:id/audio-tracks': async (fx) => ({ path: `/v1/videos/${fx.readyVideoId}/audio-tracks` }),
  'delete /v1/videos/:id/audio-tracks/:trackId': async (fx) => ({
    path: `/v1/videos/${fx.readyVideoId}/audio-tracks/${await fx.newDub()}`,
  }),
  'patch /v1/videos/:id/captions/:captionId': async (fx) => ({
    path: `/v1/videos/${fx.videoId}/captions/${await newCaption(fx)}`,
    body: { label: 'Relabelled', default: true },
  }),
  'delete /v1/videos/:id/captions/:captionId': async (fx) => ({
    path: `/v1/videos/${fx.videoId}/captions/${await newCaption(fx)}`,
  }),
  'post /v1/uploads': async (fx) => ({ path: '/v1/uploads', headers: fx.tusCreate }),
  'head /v1/uploads/:id': async (fx) => ({ path: await fx.newUpload(), headers: TUS }),
  'patch /v1/uploads/:id': async (fx) => ({
    path: await fx.newUpload(),
    headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    body: fx.clip.subarray(0, 4096),
  }),
  'delete /v1/uploads/:id': async (fx) => ({ path: await fx.newUpload(), headers: TUS }),
};

function captionForm(): FormData {
  const form = new FormData();
  form.set('language', 'en');
  form.set('file', new Blob(['1\n00:00:00,000 --> 00:00:01,000\nHello\n']), 'en.srt');
  return form;
}

/** A caption of organisation A's video, uploaded by its admin: its id. */
async function newCaption(fx: Fixture): Promise<string> {
  const res = await call(fx.api.url, 'POST', `/v1/videos/${fx.videoId}/captions`, {
    token: fx.orgA.admin.accessToken,
    body: captionForm(),
  });
  if (res.status !== 201) throw new Error(`caption upload failed: ${res.status} ${res.text}`);
  return res.body.id;
}

/** A public address (example.com's): the SSRF guard takes it, and no event is ever sent to it here. */
const WEBHOOK_SAMPLE_URL = 'https://93.184.215.14/reelkit-hooks';

async function createWebhook(fx: Fixture): Promise<string> {
  const res = await call(fx.api.url, 'POST', '/v1/webhooks', {
    token: fx.orgA.admin.accessToken,
    body: { url: WEBHOOK_SAMPLE_URL, events: ['video.deleted'] },
  });
  return res.body.webhook.id as string;
}

let sharedWebhookId: Promise<string> | undefined;
/** One endpoint reused by the samples that do not delete it (an organisation may have 20). */
function sharedWebhook(fx: Fixture): Promise<string> {
  sharedWebhookId ??= createWebhook(fx);
  return sharedWebhookId;
}

function claimsOf(m: Member & { orgId?: string }, orgId: string) {
  return { sub: m.id, orgId, role: 'admin', ver: 0 };
}

describe('every authenticated route × every auth case', () => {
  let fx: Fixture;
  let routes: RouteSpec[];
  let badTokens: Record<string, string>;

  beforeAll(async () => {
    const api = await startTestApi();
    const admin = await signup(api.url, 'Org A');
    const [editor, viewer] = await Promise.all([
      addMember(api.url, admin.accessToken, 'editor'),
      addMember(api.url, admin.accessToken, 'viewer'),
    ]);
    const adminB = await signup(api.url, 'Org B');
    const clip = new Uint8Array(await readFile(await makeClip({ width: 160, height: 90, seconds: 1 })));
    const tusCreate = {
      ...TUS,
      'upload-length': String(clip.length),
      'upload-metadata': `filename ${Buffer.from('m.mp4').toString('base64')}`,
    };
    const upload = await call(api.url, 'POST', '/v1/videos', {
      token: admin.accessToken,
      body: (() => {
        const f = new FormData();
        f.set('file', new Blob([clip]), 'clip.mp4');
        return f;
      })(),
    });
    if (upload.status !== 201) throw new Error(`fixture upload failed: ${upload.status} ${upload.text}`);
    const Video = createVideoModel(api.db);
    // A ready video as the results applier leaves it (no worker runs here); the dub the POST sample
    // sends (the 1 s clip) fits its length. Its dub jobs wait in the queue: nothing runs them.
    const ready = await Video.create({
      orgId: admin.orgId,
      title: 'Ready to dub',
      status: 'ready',
      createdBy: { kind: 'user', id: admin.id },
    });
    await Video.collection.updateOne(
      { _id: ready._id },
      {
        $set: {
          metadata: fixtureMetadata({ duration: 1, width: 160, height: 90 }),
          mediaType: 'video',
          audioTracks: [
            { id: 'a0', language: 'en', label: 'English', channels: 2, default: true, source: 'source' },
          ],
        },
      },
    );
    fx = {
      api,
      videoId: upload.body.id,
      readyVideoId: String(ready._id),
      newDub: async () => {
        const id = new Types.ObjectId().toHexString();
        const dub = { id, language: 'de', label: `Dub ${id}`, channels: 2, default: false, source: 'upload' };
        await Video.updateOne(
          { _id: ready._id },
          { $push: { audioTracks: { ...dub, status: 'processing', createdAt: new Date() } } },
        );
        return id;
      },
      clip,
      tusCreate,
      newVideo: async () =>
        String(
          (
            await Video.create({
              orgId: admin.orgId,
              title: 'Doomed',
              status: 'queued',
              createdBy: { kind: 'user', id: admin.id },
            })
          )._id,
        ),
      newUpload: async () => {
        const res = await call(api.url, 'POST', '/v1/uploads', {
          token: admin.accessToken,
          headers: tusCreate,
        });
        if (res.status !== 201) throw new Error(`tus create failed: ${res.status} ${res.text}`);
        return new URL(res.headers.get('location')!, api.url).pathname;
      },
      orgA: { admin, editor, viewer },
      orgB: { admin: adminB },
    };
    routes = api.reelkit.routes.filter((r) => r.auth !== 'public');

    const secret = api.config.JWT_SECRET;
    const claims = claimsOf(admin, admin.orgId);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const valid = admin.accessToken;
    const [h, p, s] = valid.split('.') as [string, string, string];
    const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    badTokens = {
      expired: jwt.sign(
        { ...claims, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 },
        secret,
        {
          algorithm: 'HS256',
          issuer: ISSUER,
          audience: AUDIENCES.access,
          jwtid: 'x',
        },
      ),
      'tampered signature': `${h}.${p}.${flipped}`,
      'tampered payload': `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin', sub: fx.orgA.viewer.id })}.${s}`,
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      'RS256 (HS/RS confusion)': jwt.sign(claims, privateKey, {
        algorithm: 'RS256',
        issuer: ISSUER,
        audience: AUDIENCES.access,
      }),
      'HS256 keyed with a public key': jwt.sign(claims, publicKey.export({ type: 'spki', format: 'pem' }), {
        algorithm: 'HS256',
        issuer: ISSUER,
        audience: AUDIENCES.access,
      }),
      'wrong audience': jwt.sign(claims, secret, {
        algorithm: 'HS256',
        issuer: ISSUER,
        audience: AUDIENCES.playback,
        expiresIn: 600,
      }),
      'wrong issuer': jwt.sign(claims, secret, {
        algorithm: 'HS256',
        issuer: 'someone-else',
        audience: AUDIENCES.access,
        expiresIn: 600,
      }),
      'refresh token used as access': admin.refreshToken,
      'malformed API key': 'rk_nope',
    };
  });

  afterAll(() => fx?.api.close());

  it('has a sample request for every authenticated route', () => {
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !samples[k]);
    expect(missing).toEqual([]);
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses every route without a valid access token (401, problem+json with a code)', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const sample = await samples[`${route.method} ${route.path}`]!(fx);
      const cases: Array<[string, string | undefined]> = [
        ['no token', undefined],
        ...Object.entries(badTokens),
      ];
      for (const [name, token] of cases) {
        const res = await call(fx.api.url, route.method.toUpperCase(), sample.path, {
          ...(token ? { token } : {}),
          body: sample.body,
          ...(sample.headers ? { headers: sample.headers } : {}),
        });
        // A HEAD answer has no body, so only its status can say 401.
        const problem =
          route.method === 'head' ||
          (res.headers.get('content-type')?.includes('application/problem+json') && res.body?.code);
        if (res.status !== 401 || !problem) {
          failures.push(
            `${route.method} ${route.path} with ${name}: ${res.status} ${res.text.slice(0, 120)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('lets each role do exactly what its role allows, and hides other organisations’ documents (404)', async () => {
    const failures: string[] = [];
    const members: Array<[string, Role, Member, boolean]> = [
      ['viewer', 'viewer', fx.orgA.viewer, false],
      ['editor', 'editor', fx.orgA.editor, false],
      ['admin', 'admin', fx.orgA.admin, false],
      ["another org's admin", 'admin', fx.orgB.admin, true],
    ];
    for (const route of routes) {
      for (const [name, role, member, foreign] of members) {
        const sample = await samples[`${route.method} ${route.path}`]!(fx);
        const res = await call(fx.api.url, route.method.toUpperCase(), sample.path, {
          token: member.accessToken,
          body: sample.body,
          ...(sample.headers ? { headers: sample.headers } : {}),
        });
        let expected = roleAtLeast(role, route.auth as Role) ? route.status : 403;
        if (foreign && route.path.includes(':id')) expected = 404;
        if (res.status !== expected)
          failures.push(
            `${route.method} ${route.path} as ${name}: expected ${expected}, got ${res.status} ${res.text.slice(0, 160)}`,
          );
        else if (res.status === route.status && route.response) {
          // The documented answer is the real one (the OpenAPI document is generated from it).
          const checked = route.response.safeParse(res.body);
          if (!checked.success)
            failures.push(
              `${route.method} ${route.path} as ${name}: the answer does not match its response schema: ${checked.error.message.slice(0, 400)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
