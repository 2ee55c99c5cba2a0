// Live video events over socket.io against the real database and Redis: who receives what, the
// state a (re)joining client gets first, handshake errors and token expiry.
import { setTimeout as sleep } from 'node:timers/promises';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService, type AccessClaims } from '../../src/auth/tokens.js';
import { createRealtimePublisher } from '../../src/events/index.js';
import { createVideoModel } from '../../src/videos/video-model.js';
import {
  addMember,
  call,
  signup,
  startTestApi,
  type Member,
  type TestApi,
} from '../../../../test/support/api-server.js';
import {
  connectClient,
  connectErrorCode,
  type Recorded,
  type TestClient,
} from '../support/realtime-client.js';
import { startRealtimeTestServer, type RealtimeTestServer } from '../support/realtime-test-server.js';

type Admin = Member & { orgId: string };

let api: TestApi;
let rt: RealtimeTestServer;
let orgA: Admin;
let orgB: Admin;
const clients: TestClient[] = [];

async function client(token: string | undefined, origin?: string): Promise<TestClient> {
  const c = await connectClient(rt.url, token, origin ? { origin } : {});
  clients.push(c);
  return c;
}

const videoEvents = (c: TestClient): Recorded[] => c.events.filter((e) => e.event !== 'video:state');
const newId = () => new Types.ObjectId().toHexString();

beforeAll(async () => {
  api = await startTestApi();
  rt = await startRealtimeTestServer(api);
  [orgA, orgB] = await Promise.all([signup(api.url, 'Org A'), signup(api.url, 'Org B')]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await rt?.close();
  await api?.close();
});

describe('who receives which event', () => {
  it('a client of organisation A never receives organisation B’s events', async () => {
    const [a, b] = await Promise.all([client(orgA.accessToken), client(orgB.accessToken)]);
    const worker = createRealtimePublisher({ redis: api.redis, redisPrefix: api.config.REDIS_PREFIX });
    const [va, vb] = [newId(), newId()];
    worker.publish('video:progress', { videoId: vb, stage: 'transcode', percent: 10 }, { orgId: orgB.orgId });
    rt.realtime.publish(
      'video:failed',
      { videoId: vb, code: 'transcode_failed', message: 'y' },
      { orgId: orgB.orgId },
    );
    worker.publish('video:progress', { videoId: va, stage: 'transcode', percent: 20 }, { orgId: orgA.orgId });
    rt.realtime.publish('video:deleted', { videoId: va }, { orgId: orgA.orgId });
    // Sentinels last, from the publisher whose messages travel through Redis in order: once they
    // arrive, everything published before them has too (in-process publishes are delivered at once).
    worker.publish('video:created', { videoId: vb, title: 'end', status: 'queued' }, { orgId: orgB.orgId });
    worker.publish('video:created', { videoId: va, title: 'end', status: 'queued' }, { orgId: orgA.orgId });

    await a.waitFor((e) => e.event === 'video:created');
    await b.waitFor((e) => e.event === 'video:created');
    const idsOf = (c: TestClient) =>
      videoEvents(c).map((e) => `${e.event} ${(e.payload as { videoId: string }).videoId}`);
    expect(idsOf(a).sort()).toEqual([`video:created ${va}`, `video:deleted ${va}`, `video:progress ${va}`]);
    expect(idsOf(b).sort()).toEqual([`video:created ${vb}`, `video:failed ${vb}`, `video:progress ${vb}`]);
  });

  it('an embed (playback-token) socket sees only its own video, and cannot join rooms by name', async () => {
    const [mine, other] = [newId(), newId()];
    const token = api.reelkit.playbackTokens.sign({ videoId: mine, orgId: orgA.orgId, ttlSeconds: 60 }).token;
    const embed = await client(token);
    // There is no join event; an unknown event is ignored.
    (embed.socket.emit as (ev: string, ...args: unknown[]) => void)('join', `org:${orgA.orgId}`);
    const worker = createRealtimePublisher({ redis: api.redis, redisPrefix: api.config.REDIS_PREFIX });
    worker.publish(
      'video:progress',
      { videoId: other, stage: 'transcode', percent: 50 },
      { orgId: orgA.orgId },
    );
    worker.publish(
      'video:progress',
      { videoId: mine, stage: 'transcode', percent: 60 },
      { orgId: orgB.orgId },
    );
    worker.publish(
      'video:progress',
      { videoId: mine, stage: 'transcode', percent: 70 },
      { orgId: orgA.orgId },
    );
    worker.publish(
      'video:ready',
      { videoId: mine, duration: 4, renditions: [], poster: true },
      { orgId: orgA.orgId },
    );
    await embed.waitFor((e) => e.event === 'video:ready');
    expect(videoEvents(embed)).toEqual([
      { event: 'video:progress', payload: { videoId: mine, stage: 'transcode', percent: 70 } },
      { event: 'video:ready', payload: { videoId: mine, duration: 4, renditions: [], poster: true } },
    ]);
  });
});

describe('state on (re)connection', () => {
  it('a late joiner first receives the current state of what it watches', async () => {
    const Video = createVideoModel(api.db);
    const createdBy = { kind: 'user' as const, id: orgA.id };
    const [processing, ready] = await Promise.all([
      Video.create({
        orgId: orgA.orgId,
        title: 'busy',
        status: 'processing',
        progress: { stage: 'transcode', percent: 42 },
        createdBy,
      }),
      Video.create({
        orgId: orgA.orgId,
        title: 'done',
        status: 'ready',
        progress: { stage: 'finalize', percent: 100 },
        metadata: { duration: 8 },
        posterKey: 'k',
        renditions: [
          {
            rung: 360,
            width: 640,
            height: 360,
            bandwidth: 9e5,
            averageBandwidth: 8e5,
            codecs: 'avc1.4d401e',
            frameRate: 25,
            playlistKey: 'secret/key.m3u8',
          },
        ],
        createdBy,
      }),
      Video.create({
        orgId: orgB.orgId,
        title: 'theirs',
        status: 'queued',
        createdBy: { kind: 'user', id: orgB.id },
      }),
    ]);
    const org = await client(orgA.accessToken);
    const state = await org.waitFor((e) => e.event === 'video:state');
    expect(org.events[0]).toBe(state);
    expect(state.payload).toEqual({
      scope: 'org',
      videos: [
        {
          videoId: processing.id,
          status: 'processing',
          progress: { stage: 'transcode', percent: 42 },
          result: null,
          error: null,
        },
      ],
    });

    const embedToken = api.reelkit.playbackTokens.sign({
      videoId: ready.id,
      orgId: orgA.orgId,
      ttlSeconds: 60,
    }).token;
    const embed = await client(embedToken);
    const embedState = await embed.waitFor((e) => e.event === 'video:state');
    expect(embedState.payload).toEqual({
      scope: 'video',
      videos: [
        {
          videoId: ready.id,
          status: 'ready',
          progress: { stage: 'finalize', percent: 100 },
          result: {
            duration: 8,
            renditions: [{ rung: 360, width: 640, height: 360, bandwidth: 9e5, codecs: 'avc1.4d401e' }],
            poster: true,
          },
          error: null,
        },
      ],
    });

    // A playback token naming another organisation's video (impossible to mint, but the rule holds).
    const foreign = await client(
      api.reelkit.playbackTokens.sign({ videoId: processing.id, orgId: orgB.orgId, ttlSeconds: 60 }).token,
    );
    expect((await foreign.waitFor((e) => e.event === 'video:state')).payload).toEqual({
      scope: 'video',
      videos: [],
    });
  });
});

describe('handshake and token lifetime', () => {
  it('refuses missing, invalid and expired tokens with a code in err.data', async () => {
    const secret = api.config.JWT_SECRET;
    const now = Math.floor(Date.now() / 1000);
    const expiredAccess = jwt.sign(
      { sub: orgA.id, orgId: orgA.orgId, role: 'admin', ver: 0, iat: now - 120, exp: now - 60 },
      secret,
      { algorithm: 'HS256', issuer: 'reelkit', audience: 'reelkit:access', jwtid: 'x' },
    );
    const expiredPlayback = api.reelkit.playbackTokens.sign({
      videoId: newId(),
      orgId: orgA.orgId,
      ttlSeconds: -5,
    }).token;
    const bound = api.reelkit.playbackTokens.sign({
      videoId: newId(),
      orgId: orgA.orgId,
      ttlSeconds: 60,
      origins: ['https://blog.example.com'],
    }).token;
    const codes = await Promise.all([
      connectErrorCode(rt.url, undefined),
      connectErrorCode(rt.url, 'not-a-token'),
      connectErrorCode(rt.url, `${orgA.accessToken.slice(0, -2)}xx`),
      connectErrorCode(rt.url, expiredAccess),
      connectErrorCode(rt.url, orgA.refreshToken),
      connectErrorCode(rt.url, expiredPlayback),
      connectErrorCode(rt.url, bound, 'https://evil.example.com'),
      connectErrorCode(rt.url, bound, 'https://blog.example.com'),
    ]);
    expect(codes).toEqual([
      'unauthenticated',
      'token_invalid',
      'token_invalid',
      'token_expired',
      'token_invalid',
      'playback_token_expired',
      'playback_origin_refused',
      'connected',
    ]);
  });

  it('refuses the access token of a member who was deactivated since it was issued', async () => {
    const viewer = await addMember(api.url, orgA.accessToken, 'viewer');
    expect(await connectErrorCode(rt.url, viewer.accessToken)).toBe('connected');
    const res = await call(api.url, 'PATCH', `/v1/users/${viewer.id}`, {
      token: orgA.accessToken,
      body: { active: false },
    });
    expect(res.status).toBe(200);
    expect(await connectErrorCode(rt.url, viewer.accessToken)).toBe('account_disabled');
  });

  it('disconnects a socket when its token expires, unless it re-authenticated in time', async () => {
    const claims = jwt.decode(orgA.accessToken) as AccessClaims;
    const shortLived = createTokenService({
      secret: api.config.JWT_SECRET,
      // Long enough for three refresh round trips (each re-reads the user) on a busy machine.
      accessTtlSeconds: 6,
      refreshTtlSeconds: 3600,
    });
    const sign = () =>
      shortLived.signAccess({ sub: claims.sub, orgId: claims.orgId, role: 'admin', ver: claims.ver }).token;
    const [lapsing, refreshing] = await Promise.all([client(sign()), client(sign())]);
    const lapsed = new Promise<string>((resolve) => lapsing.socket.once('disconnect', resolve));

    await sleep(700);
    // A token of another organisation is refused and changes nothing.
    const wrongScope = await refresh(refreshing, orgB.accessToken);
    expect(wrongScope).toMatchObject({ ok: false, code: 'token_scope_changed' });
    expect(await refresh(refreshing, 'garbage')).toMatchObject({ ok: false, code: 'token_invalid' });
    const longer = createTokenService({
      secret: api.config.JWT_SECRET,
      accessTtlSeconds: 600,
      refreshTtlSeconds: 3600,
    });
    const ok = await refresh(
      refreshing,
      longer.signAccess({ sub: claims.sub, orgId: claims.orgId, role: 'admin', ver: claims.ver }).token,
    );
    expect(ok).toMatchObject({ ok: true });

    expect(await lapsed).toBe('io server disconnect');
    expect(lapsing.events.some((e) => e.event === 'auth:expired')).toBe(true);
    await sleep(300);
    expect(refreshing.socket.connected).toBe(true);
    const v = newId();
    rt.realtime.publish(
      'video:progress',
      { videoId: v, stage: 'probe', percent: 100 },
      { orgId: orgA.orgId },
    );
    await refreshing.waitFor((e) => (e.payload as { videoId?: string }).videoId === v);
  });
});

function refresh(c: TestClient, token: string) {
  return c.socket.timeout(5_000).emitWithAck('auth:refresh', token);
}

describe('handshake limit', () => {
  it('refuses handshakes past RATE_LIMIT_SOCKET_IP_PER_MIN from one address with rate_limited and retryAfter', async () => {
    // Counters of their own, and a fixed clock 1 s into a minute, so Retry-After is known.
    const limitedApi = await startTestApi({
      REDIS_PREFIX: `${api.config.REDIS_PREFIX}-sock`,
      RATE_LIMIT_SOCKET_IP_PER_MIN: '2',
    });
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
    const limited = await startRealtimeTestServer(limitedApi, { now: () => t0 });
    try {
      const token = orgA.accessToken;
      const first = await connectClient(limited.url, token);
      const second = await connectClient(limited.url, token);
      first.close();
      second.close();
      let refused: { data?: { code?: string; retryAfter?: number } } | undefined;
      await connectClient(limited.url, token).then(
        (c) => c.close(),
        (err: unknown) => (refused = err as typeof refused),
      );
      expect(refused?.data?.code).toBe('rate_limited');
      // Two in this window, none before: the next fits 30 s into the next window
      // (2·(1 − 30/60) + 1 = 2), 59 s + 30 s from now.
      expect(refused?.data?.retryAfter).toBe(89);
      // Refused before the token is looked at: a bad token gets the same answer.
      expect(await connectErrorCode(limited.url, 'not-a-token')).toBe('rate_limited');
    } finally {
      await limited.close();
      await limitedApi.close();
    }
  });
});
