// /v1/webhooks: admins manage endpoints; the SSRF guard refuses internal targets at creation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  call,
  signup,
  startTestApi,
  type Member,
  type TestApi,
} from '../../../../test/support/api-server.js';
import { startWebhookTestApi, type WebhookTestApi } from '../support/webhook-test-server.js';

let api: TestApi;
let open: WebhookTestApi; // private targets allowed (as tests with a loopback receiver need)
let strict: WebhookTestApi; // the production default
let admin: Member & { orgId: string };
let other: Member & { orgId: string };
let editor: Member;

beforeAll(async () => {
  api = await startTestApi();
  [open, strict] = await Promise.all([
    startWebhookTestApi(api, { WEBHOOK_ALLOW_PRIVATE_TARGETS: true }),
    startWebhookTestApi(api, { WEBHOOK_ALLOW_PRIVATE_TARGETS: false }),
  ]);
  [admin, other] = await Promise.all([signup(api.url, 'Hooks A'), signup(api.url, 'Hooks B')]);
  editor = await addMember(api.url, admin.accessToken, 'editor');
});

afterAll(async () => {
  await Promise.all([open?.close(), strict?.close()]);
  await api?.close();
});

describe('managing webhook endpoints', () => {
  it('creates an endpoint and shows its secret once, then lists, changes and deletes it', async () => {
    const created = await call(open.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url: 'http://127.0.0.1:9/hook', events: ['video.ready', 'video.failed'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.webhook).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      events: ['video.ready', 'video.failed'],
      active: true,
    });
    const id = created.body.webhook.id as string;

    const list = await call(open.url, 'GET', '/v1/webhooks', { token: admin.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(list.text).not.toContain('whsec_');

    const patched = await call(open.url, 'PATCH', `/v1/webhooks/${id}`, {
      token: admin.accessToken,
      body: { events: ['video.deleted'], active: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, events: ['video.deleted'], active: false });
    expect(patched.text).not.toContain('whsec_');

    const log = await call(open.url, 'GET', `/v1/webhooks/${id}/deliveries`, { token: admin.accessToken });
    expect(log.status).toBe(200);
    expect(log.body).toEqual({ items: [], nextCursor: null });

    // Another organisation sees nothing; an editor may not.
    expect(
      (await call(open.url, 'GET', `/v1/webhooks/${id}/deliveries`, { token: other.accessToken })).status,
    ).toBe(404);
    expect(
      (await call(open.url, 'DELETE', `/v1/webhooks/${id}`, { token: other.accessToken })).body.code,
    ).toBe('webhook_not_found');
    expect((await call(open.url, 'GET', '/v1/webhooks', { token: other.accessToken })).body.items).toEqual(
      [],
    );
    expect((await call(open.url, 'GET', '/v1/webhooks', { token: editor.accessToken })).status).toBe(403);

    expect((await call(open.url, 'DELETE', `/v1/webhooks/${id}`, { token: admin.accessToken })).status).toBe(
      204,
    );
    expect(
      (
        await call(open.url, 'PATCH', `/v1/webhooks/${id}`, {
          token: admin.accessToken,
          body: { active: true },
        })
      ).status,
    ).toBe(404);
  });

  it('validates events and fields', async () => {
    const bad = async (body: unknown) =>
      (await call(open.url, 'POST', '/v1/webhooks', { token: admin.accessToken, body })).body.code as string;
    expect(await bad({ url: 'http://127.0.0.1:9/', events: ['video.progress'] })).toBe('validation_failed');
    expect(await bad({ url: 'http://127.0.0.1:9/', events: [] })).toBe('validation_failed');
    expect(await bad({ url: 'http://127.0.0.1:9/', events: ['video.ready', 'video.ready'] })).toBe(
      'validation_failed',
    );
    expect(await bad({ url: 'http://127.0.0.1:9/', events: ['video.ready'], orgId: other.orgId })).toBe(
      'validation_failed',
    );
    expect(await bad({ url: 'ftp://127.0.0.1/', events: ['video.ready'] })).toBe('webhook_target_refused');
    expect(await bad({ url: 'http://user:pw@127.0.0.1/', events: ['video.ready'] })).toBe(
      'webhook_target_refused',
    );
  });
});

describe('SSRF guard at creation', () => {
  it.each([
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:8080/hook',
    'http://127.0.0.1/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:0:127.0.0.1]/hook',
    'http://[::127.0.0.1]/hook',
    'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
    'http://[2002:7f00:1::]/hook',
    'http://[2001:0:7f00:1::]/hook',
    'http://100.64.0.1/hook',
    'http://198.18.0.1/hook',
    'https://203.0.113.10/hook',
    'http://0.0.0.0:4000/hook',
    'http://localhost:4000/hook',
  ])('refuses %s unless private targets are allowed', async (url) => {
    const res = await call(strict.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url, events: ['video.ready'] },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('webhook_target_refused');
  });

  it('accepts a public address (checked without connecting) and refuses changing it to an internal one', async () => {
    const created = await call(strict.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url: 'https://93.184.215.10/reelkit', events: ['video.ready'] },
    });
    expect(created.status).toBe(201);
    const res = await call(strict.url, 'PATCH', `/v1/webhooks/${created.body.webhook.id}`, {
      token: admin.accessToken,
      body: { url: 'http://169.254.169.254/' },
    });
    expect(res.body.code).toBe('webhook_target_refused');
    await call(strict.url, 'DELETE', `/v1/webhooks/${created.body.webhook.id}`, { token: admin.accessToken });
  });
});
