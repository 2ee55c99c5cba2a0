// Deliveries through the BullMQ queue to a receiver on 127.0.0.1: signed as documented, retried
// with backoff after a 500, logged per attempt, and refused before connecting when the target
// turns internal after creation (DNS rebinding).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  signup,
  startTestApi,
  type Member,
  type TestApi,
} from '../../../../test/support/api-server.js';
import {
  startReceiver,
  startWebhookTestApi,
  type Receiver,
  type WebhookTestApi,
} from '../support/webhook-test-server.js';

let api: TestApi;
let admin: Member & { orgId: string };
const closers: Array<() => Promise<void>> = [];

/** The verification recipe of docs/webhooks.md, written out as a receiver would. */
function verify(secret: string, headers: IncomingHttpHeaders, rawBody: string, toleranceS = 300): boolean {
  const header = String(headers['reelkit-signature'] ?? '');
  const fields = header.split(',').map((kv) => kv.split('='));
  const t = Number(fields.find(([k]) => k === 't')?.[1]);
  const signatures = fields.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

beforeAll(async () => {
  api = await startTestApi();
  admin = await signup(api.url, 'Hooked');
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await api?.close();
});

async function setup(statuses: number[], overrides = {}, lookup?: Parameters<typeof startWebhookTestApi>[2]) {
  const receiver: Receiver = await startReceiver(statuses);
  const hooks: WebhookTestApi = await startWebhookTestApi(
    api,
    { WEBHOOK_ALLOW_PRIVATE_TARGETS: true, ...overrides },
    lookup,
  );
  closers.push(receiver.close, hooks.close);
  return { receiver, hooks };
}

describe('webhook deliveries', () => {
  it('signs each delivery, retries after a 500 and logs both attempts', async () => {
    const { receiver, hooks } = await setup([500, 200]);
    const created = await call(hooks.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url: receiver.url, events: ['video.ready'] },
    });
    expect(created.status).toBe(201);
    const { secret } = created.body as { secret: string };
    const id = created.body.webhook.id as string;
    hooks.webhooks.startWorker();

    expect(
      await hooks.webhooks.enqueueWebhookEvent(admin.orgId, 'video.failed', {
        videoId: 'v',
        code: 'c',
        message: 'm',
      }),
    ).toBe(0);
    const payload = { videoId: 'a'.repeat(24), duration: 12, renditions: [], poster: true };
    expect(await hooks.webhooks.enqueueWebhookEvent(admin.orgId, 'video.ready', payload)).toBe(1);

    await receiver.waitForCount(2);
    const [first, second] = receiver.received as [
      (typeof receiver.received)[0],
      (typeof receiver.received)[0],
    ];
    for (const hit of [first, second]) {
      expect(verify(secret, hit.headers, hit.body)).toBe(true);
      expect(verify('whsec_wrong', hit.headers, hit.body)).toBe(false);
      expect(verify(secret, hit.headers, hit.body.replace('12', '13'))).toBe(false);
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['reelkit-event']).toBe('video.ready');
    }
    expect(second.body).toBe(first.body);
    expect(second.headers['reelkit-delivery']).toBe(first.headers['reelkit-delivery']);
    expect([first.headers['reelkit-attempt'], second.headers['reelkit-attempt']]).toEqual(['1', '2']);
    expect(JSON.parse(first.body)).toMatchObject({ type: 'video.ready', orgId: admin.orgId, data: payload });

    let log;
    for (let i = 0; i < 50; i++) {
      log = await call(hooks.url, 'GET', `/v1/webhooks/${id}/deliveries`, { token: admin.accessToken });
      if (log.body.items.length === 2) break;
      await sleep(50);
    }
    expect(log!.body.items).toMatchObject([
      { attempt: 2, ok: true, statusCode: 200, error: null, event: 'video.ready' },
      { attempt: 1, ok: false, statusCode: 500, error: 'answered 500', event: 'video.ready' },
    ]);
    const page = await call(hooks.url, 'GET', `/v1/webhooks/${id}/deliveries?limit=1`, {
      token: admin.accessToken,
    });
    expect(page.body.items).toHaveLength(1);
    const next = await call(
      hooks.url,
      'GET',
      `/v1/webhooks/${id}/deliveries?limit=1&cursor=${page.body.nextCursor}`,
      {
        token: admin.accessToken,
      },
    );
    expect(next.body.items[0].attempt).toBe(1);
  });

  it('refuses, without connecting or retrying, a host that resolves to an internal address at delivery time', async () => {
    const receiver = await startReceiver([200]);
    closers.push(receiver.close);
    const port = new URL(receiver.url).port;
    // At creation the name resolves to a public address; at delivery it points at 127.0.0.1.
    const creating = await startWebhookTestApi(
      api,
      { WEBHOOK_ALLOW_PRIVATE_TARGETS: false },
      {
        lookup: async () => [{ address: '203.0.113.10', family: 4 }],
      },
    );
    const delivering = await startWebhookTestApi(
      api,
      { WEBHOOK_ALLOW_PRIVATE_TARGETS: false, REDIS_PREFIX: creating.config.REDIS_PREFIX },
      { lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
    );
    closers.push(creating.close, delivering.close);
    const created = await call(creating.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url: `http://hooks.rebind.test:${port}/x`, events: ['video.deleted'] },
    });
    expect(created.status).toBe(201);
    const id = created.body.webhook.id as string;
    const worker = delivering.webhooks.startWorker();
    const failed = new Promise<number>((resolve) =>
      worker.once('failed', (job) => resolve(job?.attemptsMade ?? -1)),
    );
    expect(
      await creating.webhooks.enqueueWebhookEvent(admin.orgId, 'video.deleted', { videoId: 'b'.repeat(24) }),
    ).toBe(1);
    expect(await failed).toBe(1);
    const log = await call(creating.url, 'GET', `/v1/webhooks/${id}/deliveries`, {
      token: admin.accessToken,
    });
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ attempt: 1, ok: false, statusCode: null });
    expect(log.body.items[0].error).toMatch(/target refused: .*loopback/);
    await sleep(200);
    expect(receiver.received).toHaveLength(0);
  });
});
