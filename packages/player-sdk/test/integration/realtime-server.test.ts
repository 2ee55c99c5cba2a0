// The SDK's realtime client against the real socket.io server (packages/server's realtime, attached
// next to a real test API with its database and Redis), over the `ws` package as Node 20 has no
// global WebSocket.
import { createServer, type Socket as NetSocket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { freePort, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import {
  startRealtimeTestServer,
  type RealtimeTestServer,
} from '../../../server/test/support/realtime-test-server.js';
import { subscribe, type ReelkitError, type VideoEvent, type WebSocketConstructor } from '../../src/index.js';

let api: TestApi;
let rt: RealtimeTestServer;
let admin: Awaited<ReturnType<typeof signup>>;

beforeAll(async () => {
  api = await startTestApi();
  rt = await startRealtimeTestServer(api);
  admin = await signup(api.url, 'SDK realtime');
});

afterAll(async () => {
  await rt?.close();
  await api?.close();
});

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('subscribe against the real socket.io server', () => {
  it('connects with an access token and receives the organisation’s video events', async () => {
    const events: VideoEvent[] = [];
    let connected = false;
    const sub = subscribe('*', (e) => events.push(e), {
      apiBase: rt.url,
      token: admin.accessToken,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      onConnectionChange: (c) => (connected = c),
    });
    try {
      await until(() => connected);
      const videoId = new Types.ObjectId().toHexString();
      rt.realtime.publish(
        'video:progress',
        { videoId, stage: 'transcode', percent: 42 },
        { orgId: admin.orgId },
      );
      rt.realtime.publish(
        'video:failed',
        { videoId, code: 'source_unreadable', message: 'no' },
        { orgId: admin.orgId },
      );
      await until(() => events.some((e) => e.type === 'failed'));
      expect(events.filter((e) => e.videoId === videoId)).toEqual([
        { type: 'progress', videoId, stage: 'transcode', percent: 42 },
        { type: 'failed', videoId, code: 'source_unreadable', message: 'no' },
      ]);
    } finally {
      sub.close();
    }
  });

  it('filters by video and reports a refused token with its code', async () => {
    const errors: ReelkitError[] = [];
    const sub = subscribe('x', () => undefined, {
      apiBase: rt.url,
      token: 'not-a-token',
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      onError: (e) => errors.push(e),
    });
    try {
      await until(() => errors.length > 0);
      expect(errors[0]!.code).toBe('token_invalid');
    } finally {
      sub.close();
    }
  });

  it('waits out a handshake limit, reporting it, then connects', async () => {
    const limitedApi = await startTestApi({
      REDIS_PREFIX: `${api.config.REDIS_PREFIX}-ss`,
      RATE_LIMIT_SOCKET_IP_PER_MIN: '1',
    });
    // The server's clock: the first handshake one second before a minute ends; the next a minute
    // later, which is refused with `retryAfter: 1` (the first has not slid out until the minute ends).
    let clock = Math.floor(Date.now() / 60_000) * 60_000 + 59_000;
    const limited = await startRealtimeTestServer(limitedApi, { now: () => clock });
    const options = {
      apiBase: limited.url,
      token: admin.accessToken,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    };
    try {
      let firstConnected = false;
      const first = subscribe('*', () => undefined, {
        ...options,
        onConnectionChange: (c) => (firstConnected = c),
      });
      await until(() => firstConnected); // the one handshake of this window
      first.close();
      clock += 60_000;

      const errors: ReelkitError[] = [];
      let connected = false;
      const sub = subscribe('*', () => undefined, {
        ...options,
        onError: (e) => errors.push(e),
        onConnectionChange: (c) => (connected = c),
      });
      try {
        await until(() => errors.some((e) => e.code === 'rate_limited'));
        expect(connected).toBe(false);
        clock += 60_000; // the first handshake has slid out
        await until(() => connected);
      } finally {
        sub.close();
      }
    } finally {
      await limited.close();
      await limitedApi.close();
    }
  });
});

describe('reconnection, as socket.io-client reconnects', () => {
  const ws = WebSocket as unknown as WebSocketConstructor;

  it('reconnects with backoff after the server is stopped and started again, with a static token', async () => {
    const port = await freePort();
    let server = await startRealtimeTestServer(api, { port });
    const changes: boolean[] = [];
    const errors: ReelkitError[] = [];
    const sub = subscribe('*', () => undefined, {
      apiBase: server.url,
      token: admin.accessToken,
      WebSocket: ws,
      onError: (e) => errors.push(e),
      onConnectionChange: (c) => changes.push(c),
    });
    try {
      await until(() => changes.includes(true));
      await server.close();
      await until(() => changes.at(-1) === false);
      server = await startRealtimeTestServer(api, { port });
      await until(() => changes.filter(Boolean).length === 2, 30_000);
      expect(errors).toEqual([]);
    } finally {
      sub.close();
      await server.close();
    }
  });

  it('takes a server-initiated disconnect for what it is, not a token expiry: no renewal, a reconnection', async () => {
    let renewals = 0;
    const changes: boolean[] = [];
    const errors: ReelkitError[] = [];
    const sub = subscribe('*', () => undefined, {
      apiBase: rt.url,
      token: admin.accessToken,
      getToken: () => {
        renewals++;
        return Promise.resolve(admin.accessToken);
      },
      WebSocket: ws,
      onError: (e) => errors.push(e),
      onConnectionChange: (c) => changes.push(c),
    });
    try {
      await until(() => changes.includes(true));
      // What the server does when an admin changes the member's role.
      rt.realtime.disconnectUser({ orgId: admin.orgId, userId: admin.id });
      await until(() => changes.filter(Boolean).length === 2, 30_000);
      expect(changes).toEqual([true, false, true]);
      expect(renewals).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      sub.close();
    }
  });

  it('abandons a connection attempt that hangs and tries again', async () => {
    // Accepts TCP connections and never answers the WebSocket upgrade.
    const held: NetSocket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const sub = subscribe('*', () => undefined, {
      apiBase: `http://127.0.0.1:${port}`,
      token: admin.accessToken,
      WebSocket: ws,
      connectTimeoutMs: 300,
    });
    try {
      // 300 ms per attempt plus the 0.5–1 s and 1–2 s backoffs: a third attempt within seconds.
      await until(() => held.length >= 3, 30_000);
    } finally {
      sub.close();
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
