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
});
