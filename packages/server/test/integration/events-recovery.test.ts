// What a connected socket.io client gets when the server's own dependencies fail under it (found by
// the soak run, issue 21): events published while the adapter's Redis subscriber was away are lost
// to sockets that stayed connected, so they get a fresh `video:state` once it is back; and a
// snapshot the database could not give is tried again, then the connection is closed so the
// client reconnects for one — no client is left believing a state nothing corrects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/auth/tokens.js';
import { createRealtime, type LoadSnapshot, type Realtime } from '../../src/events/index.js';
import { parsePlaybackKeys } from '../../src/playback/playback-keys.js';
import { createPlaybackTokens } from '../../src/playback/playback-tokens.js';
import { createRedis } from '../../src/redis.js';
import { connectDatabase } from '../../src/db.js';
import { createAccountModels, type AccountModels } from '../../src/models.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { startPrivateRedis, type PrivateRedis } from '../../../../test/support/redis-server.js';
import { connectClient, type TestClient } from '../support/realtime-client.js';

const secret = 'recovery-secret-'.repeat(3);
const orgId = 'a'.repeat(24);
const tokens = createTokenService({ secret, accessTtlSeconds: 3600, refreshTtlSeconds: 3600 });
const token = tokens.signAccess({ sub: 'b'.repeat(24), orgId, role: 'viewer', ver: 0 }).token;
const snapshot = (n: number) => [
  {
    videoId: `${n}`.padStart(24, 'c'),
    status: 'processing' as const,
    progress: { stage: 'transcode', percent: n },
    result: null,
    error: null,
  },
];

let privateRedis: PrivateRedis;
let redis: Redis;
const opened: { server: Server; realtime: Realtime }[] = [];
const clients: TestClient[] = [];

async function start(loadSnapshot: LoadSnapshot, models?: AccountModels): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const realtime = createRealtime({
    httpServer: server,
    redis,
    redisPrefix: `recovery-${process.pid}`,
    tokens,
    playbackTokens: createPlaybackTokens({ keyring: parsePlaybackKeys(`k1:${secret}`) }),
    loadSnapshot,
    logger: pino({ level: 'silent' }),
    ...(models ? { models } : {}),
  });
  opened.push({ server, realtime });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  privateRedis = await startPrivateRedis();
  redis = createRedis(privateRedis.url, 'events-recovery');
  redis.on('error', () => undefined);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const { server, realtime } of opened.splice(0)) {
    await realtime.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

afterAll(async () => {
  redis?.disconnect();
  await privateRedis?.dispose();
});

const states = (c: TestClient) => c.events.filter((e) => e.event === 'video:state');

describe('realtime recovery', () => {
  it('sends a fresh video:state to sockets that stayed connected once Redis is back', async () => {
    let loads = 0;
    const url = await start(async () => snapshot(++loads));
    const client = await connectClient(url, token);
    clients.push(client);
    await client.waitFor((e) => e.event === 'video:state');
    const id = client.socket.id;

    await privateRedis.stop();
    await privateRedis.start();
    const until = Date.now() + 60_000;
    while (states(client).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(states(client)).toHaveLength(2);
    expect(states(client)[1]!.payload).toEqual({ scope: 'org', videos: snapshot(2) });
    // The same connection all along: the client had no reconnect of its own to ask for it.
    expect(client.socket.id).toBe(id);
    expect(client.socket.connected).toBe(true);
  }, 90_000);

  it('tries a snapshot the database could not give again', async () => {
    let loads = 0;
    const url = await start(async () => {
      loads += 1;
      if (loads < 3) throw new Error('connection 11 to 127.0.0.1:27017 closed');
      return snapshot(7);
    });
    const client = await connectClient(url, token);
    clients.push(client);
    const state = await client.waitFor((e) => e.event === 'video:state', 30_000);
    expect(state.payload).toEqual({ scope: 'org', videos: snapshot(7) });
    expect(loads).toBe(3);
  }, 60_000);

  it('closes the connection (so the client reconnects) when the snapshot keeps failing', async () => {
    let loads = 0;
    const url = await start(async () => {
      loads += 1;
      throw new Error('the database is down');
    });
    const client = await connectClient(url, token);
    clients.push(client);
    const reason = await new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    // A transport close, which socket.io-client (and the SDK) answer by reconnecting.
    expect(reason).toBe('transport close');
    expect(states(client)).toEqual([]);
    expect(loads).toBe(5);
  }, 60_000);

  it('refuses a handshake the database cannot check with service_unavailable and retryAfter, not internal_error', async () => {
    const env = stackEnv();
    const db = await connectDatabase(env.MONGODB_URI, env.MONGODB_DB);
    try {
      const models = await createAccountModels(db);
      const url = await start(async () => [], models);
      await db.getClient().close();
      const err = await connectClient(url, token).then(
        (c) => {
          clients.push(c);
          throw new Error('the handshake was accepted');
        },
        (e: Error & { data?: { code?: string; retryAfter?: number } }) => e,
      );
      expect(err.data).toEqual({ code: 'service_unavailable', retryAfter: 2 });
      expect(err.message).toBe('The database is not answering; try again shortly');
    } finally {
      await db.close().catch(() => undefined);
    }
  }, 60_000);
});
