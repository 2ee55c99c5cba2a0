// Two server processes and a publisher process with no socket.io server: a client connected to
// either server receives every event of its organisation and none of another's.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  call,
  signup,
  startTestApi,
  type Member,
  type TestApi,
} from '../../../../test/support/api-server.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { connectClient, type TestClient } from '../support/realtime-client.js';

const SERVER = 'packages/server/test/support/realtime-server-entry.ts';
const PUBLISHER = 'packages/server/test/support/realtime-publisher-entry.ts';

let api: TestApi;
const procs: Proc[] = [];
const clients: TestClient[] = [];
let urls: string[];
let orgA: Member & { orgId: string };
let orgB: Member & { orgId: string };

function env(): Record<string, string> {
  return { ...stackEnv(), LOG_LEVEL: 'warn' };
}

async function startServer(): Promise<string> {
  const proc = startTs(SERVER, env());
  procs.push(proc);
  await proc.waitFor(/realtime listening http:\/\/\S+/, 60_000);
  return /realtime listening (http:\/\/\S+)/.exec(proc.output())![1]!;
}

beforeAll(async () => {
  api = await startTestApi();
  [urls, orgA, orgB] = await Promise.all([
    Promise.all([startServer(), startServer()]),
    signup(api.url, 'Org A'),
    signup(api.url, 'Org B'),
  ]);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(procs.map((p) => p.stop()));
  await api?.close();
});

describe('several server instances', () => {
  it('fans out a worker’s events to the right clients on every instance', async () => {
    const connect = async (url: string, token: string) => {
      const c = await connectClient(url, token);
      clients.push(c);
      return c;
    };
    const [a1, a2, b1, b2] = await Promise.all([
      connect(urls[0]!, orgA.accessToken),
      connect(urls[1]!, orgA.accessToken),
      connect(urls[0]!, orgB.accessToken),
      connect(urls[1]!, orgB.accessToken),
    ]);
    const va = new Types.ObjectId().toHexString();
    const vb = new Types.ObjectId().toHexString();
    const embed = await connect(
      urls[1]!,
      api.reelkit.playbackTokens.sign({ videoId: va, orgId: orgA.orgId, ttlSeconds: 60 }).token,
    );
    const events = [
      ['video:progress', { videoId: vb, stage: 'transcode', percent: 5 }, { orgId: orgB.orgId }],
      ['video:progress', { videoId: va, stage: 'transcode', percent: 50 }, { orgId: orgA.orgId }],
      ['video:failed', { videoId: vb, code: 'transcode_failed', message: 'boom' }, { orgId: orgB.orgId }],
      ['video:ready', { videoId: va, duration: 3, renditions: [], poster: false }, { orgId: orgA.orgId }],
    ];
    const publisher = startTs(PUBLISHER, { ...env(), REALTIME_EVENTS: JSON.stringify(events) });
    procs.push(publisher);
    await publisher.waitFor(/published 4/, 60_000);

    const seen = (c: TestClient) => c.events.filter((e) => e.event !== 'video:state').map((e) => e.event);
    const done = (c: TestClient, last: string) => c.waitFor((e) => e.event === last, 10_000);
    await Promise.all([
      done(a1, 'video:ready'),
      done(a2, 'video:ready'),
      done(embed, 'video:ready'),
      done(b1, 'video:failed'),
      done(b2, 'video:failed'),
    ]);
    for (const a of [a1, a2, embed]) expect(seen(a)).toEqual(['video:progress', 'video:ready']);
    for (const b of [b1, b2]) expect(seen(b)).toEqual(['video:progress', 'video:failed']);
    for (const a of [a1, a2, embed]) {
      expect(
        a.events.every((e) => e.event === 'video:state' || (e.payload as { videoId: string }).videoId === va),
      ).toBe(true);
    }
  });

  it('disconnects a member’s sockets on every instance at once when they are deactivated, demoted or deleted', async () => {
    const connect = async (url: string, token: string) => {
      const c = await connectClient(url, token);
      clients.push(c);
      return c;
    };
    const dropped = (c: TestClient) =>
      new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
    const [deactivated, demoted, deleted] = await Promise.all([
      addMember(api.url, orgA.accessToken, 'viewer'),
      addMember(api.url, orgA.accessToken, 'editor'),
      addMember(api.url, orgA.accessToken, 'viewer'),
    ]);
    const admin = await connect(urls[0]!, orgA.accessToken);
    const changes: Array<[Member, () => Promise<unknown>]> = [
      [
        deactivated,
        () =>
          call(api.url, 'PATCH', `/v1/users/${deactivated.id}`, {
            token: orgA.accessToken,
            body: { active: false },
          }),
      ],
      [
        demoted,
        () =>
          call(api.url, 'PATCH', `/v1/users/${demoted.id}`, {
            token: orgA.accessToken,
            body: { role: 'viewer' },
          }),
      ],
      [deleted, () => call(api.url, 'DELETE', `/v1/users/${deleted.id}`, { token: orgA.accessToken })],
    ];
    for (const [member, change] of changes) {
      const sockets = await Promise.all(urls.map((url) => connect(url, member.accessToken)));
      const reasons = Promise.all(sockets.map(dropped));
      const res = (await change()) as { status: number };
      expect(res.status).toBeLessThan(300);
      // Long before the 15-minute token would have expired, on both instances.
      expect(await reasons).toEqual(['io server disconnect', 'io server disconnect']);
    }
    expect(admin.socket.connected).toBe(true);
  });
});
