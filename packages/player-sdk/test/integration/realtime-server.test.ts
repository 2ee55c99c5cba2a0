// The SDK's realtime client against the real socket.io server (packages/server's realtime, attached
// next to a real test API with its database and Redis), over the `ws` package as Node 20 has no
// global WebSocket.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
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
    // The server's clock: one second before a minute ends, so the refusal says `retryAfter: 1`.
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
        clock += 60_000; // the next window
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
