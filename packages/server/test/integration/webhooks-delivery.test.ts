// Deliveries through the BullMQ queue to a receiver on 127.0.0.1: signed as documented, retried
// with backoff after a 500, logged per attempt, and refused before connecting when the target
// turns internal after creation (DNS rebinding).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
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
        code: 'transcode_failed',
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

  it('signs with both secrets after a rotation until the old one expires, then with the new one only', async () => {
    const { receiver, hooks } = await setup([200, 200]);
    const created = await call(hooks.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url: receiver.url, events: ['video.deleted'] },
    });
    const oldSecret = created.body.secret as string;
    const id = created.body.webhook.id as string;
    hooks.webhooks.startWorker();

    const rotated = await call(hooks.url, 'POST', `/v1/webhooks/${id}/rotate-secret`, {
      token: admin.accessToken,
      body: { previousSecretTtlSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.webhook.previousSecretExpiresAt as string)).toBeGreaterThan(Date.now());
    const listed = await call(hooks.url, 'GET', '/v1/webhooks', { token: admin.accessToken });
    expect(JSON.stringify(listed.body)).not.toContain(newSecret);
    expect(JSON.stringify(listed.body)).not.toContain(oldSecret);

    await hooks.webhooks.enqueueWebhookEvent(admin.orgId, 'video.deleted', { videoId: 'b'.repeat(24) });
    await receiver.waitForCount(1);
    const during = receiver.received[0]!;
    expect(verify(newSecret, during.headers, during.body)).toBe(true);
    expect(verify(oldSecret, during.headers, during.body)).toBe(true);

    // Rotating again with no grace: only the newest secret signs.
    const again = await call(hooks.url, 'POST', `/v1/webhooks/${id}/rotate-secret`, {
      token: admin.accessToken,
      body: { previousSecretTtlSeconds: 0 },
    });
    const newest = again.body.secret as string;
    expect(again.body.webhook.previousSecretExpiresAt).toBeNull();
    await hooks.webhooks.enqueueWebhookEvent(admin.orgId, 'video.deleted', { videoId: 'c'.repeat(24) });
    await receiver.waitForCount(2);
    const after = receiver.received[1]!;
    expect(verify(newest, after.headers, after.body)).toBe(true);
    expect(verify(newSecret, after.headers, after.body)).toBe(false);
    expect(verify(oldSecret, after.headers, after.body)).toBe(false);

    const bad = await call(hooks.url, 'POST', `/v1/webhooks/${id}/rotate-secret`, {
      token: admin.accessToken,
      body: { previousSecretTtlSeconds: -1 },
    });
    expect(bad.status).toBe(400);
    await call(hooks.url, 'DELETE', `/v1/webhooks/${id}`, { token: admin.accessToken });
  });

  it('prunes delivery-log entries older than WEBHOOK_LOG_RETENTION_DAYS, and only those', async () => {
    const { hooks } = await setup([], { WEBHOOK_LOG_RETENTION_DAYS: 7 });
    const { WebhookDelivery } = hooks.webhooks.models;
    const endpointId = new Types.ObjectId();
    const entry = (daysAgo: number) => ({
      orgId: new Types.ObjectId(admin.orgId),
      endpointId,
      eventId: `evt-${daysAgo}`,
      event: 'video.ready',
      attempt: 1,
      ok: true,
      statusCode: 200,
      durationMs: 3,
      error: null,
      createdAt: new Date(Date.now() - daysAgo * 86_400_000),
    });
    await WebhookDelivery.collection.insertMany([entry(8), entry(30), entry(6), entry(0)]);
    expect(await hooks.webhooks.pruneDeliveryLog()).toBeGreaterThanOrEqual(2);
    const left = await WebhookDelivery.find({ endpointId }).lean();
    expect(left.map((d) => d.eventId).sort()).toEqual(['evt-0', 'evt-6']);
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
        lookup: async () => [{ address: '93.184.215.10', family: 4 }],
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
