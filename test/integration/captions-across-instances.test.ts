// Caption changes across API instances: two API processes (`main.ts`, as `npm start` runs them)
// share Redis, the database and the media folder and nothing else. A caption added through A is
// in the master playlist B serves at once (served `no-cache`, built from the database per request:
// no instance keeps a copy), a delete through B is gone from A's master, and each change reaches a
// socket.io client connected to the other instance and a `video.updated` webhook receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../packages/server/src/index.js';
import { connectClient, type TestClient } from '../../packages/server/test/support/realtime-client.js';
import { startReceiver, type Receiver } from '../../packages/server/test/support/webhook-test-server.js';
import { call, signup } from '../support/api-client.js';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';
import { makeReadyVideo } from '../support/hls-fixture.js';
import { isolatedStack, stackEnv } from '../support/stack-env.js';

const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nAcross instances\n';
/** "Within seconds": the budget for a change to show on the other instance. */
const VISIBLE_WITHIN_MS = 3_000;

const isolated = isolatedStack('capx');
const root = mkdtempSync(join(tmpdir(), 'reelkit-captions-x-'));
let a: ApiProcess;
let b: ApiProcess;
let db: Connection;
let receiver: Receiver;
let client: TestClient | undefined;

const startApi = (role: string) =>
  startApiProcess(role, root, isolated, {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_BACKOFF_MS: '100',
  });

beforeAll(async () => {
  [a, b, db, receiver] = await Promise.all([
    startApi('api-a'),
    startApi('api-b'),
    connectDatabase(stackEnv().MONGODB_URI, isolated.MONGODB_DB),
    startReceiver([200]),
  ]);
}, 180_000);

afterAll(async () => {
  client?.close();
  await Promise.all([a?.proc.stop('SIGTERM', 20_000), b?.proc.stop('SIGTERM', 20_000)]);
  await db?.close();
  await receiver?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The signed master playlist of `videoId` as `base` hands it out and serves it. */
async function masterThrough(base: string, token: string, videoId: string) {
  const playback = await call(base, 'GET', `/v1/videos/${videoId}/playback`, { token });
  expect(playback.status, playback.text).toBe(200);
  const url = playback.body.hls as string;
  expect(url.startsWith(`${base}/`)).toBe(true);
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { url, text: await res.text(), cacheControl: res.headers.get('cache-control') };
}

/** Polls `check` until it holds; returns how long that took (throws past the budget). */
async function within(budgetMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > budgetMs) throw new Error(`not within ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('caption changes across two API processes', () => {
  it('an add through A shows in B’s master at once, a delete through B leaves A’s, with events and webhooks', async () => {
    const admin = await signup(a.url, 'Two instances');
    const { videoId } = await makeReadyVideo(db, stackEnv().STORAGE_DIR, admin.orgId, { seconds: 4 });
    const hook = await call(a.url, 'POST', '/v1/webhooks', {
      token: admin.accessToken,
      body: { url: receiver.url, events: ['video.updated'] },
    });
    expect(hook.status, hook.text).toBe(201);
    // The org's events through B, while the changes go through A (and back).
    client = await connectClient(b.url, admin.accessToken);

    // B has served the master (no captions) before the change: nothing may keep that answer.
    const before = await masterThrough(b.url, admin.accessToken, videoId);
    expect(before.text).not.toContain('TYPE=SUBTITLES');
    expect(before.cacheControl).toMatch(/no-cache/);
    expect(before.cacheControl).not.toMatch(/max-age=[1-9]/);

    const form = new FormData();
    form.set('file', new Blob([VTT], { type: 'text/vtt' }), 'de.vtt');
    form.set('language', 'de');
    form.set('label', 'Deutsch');
    const created = await call(a.url, 'POST', `/v1/videos/${videoId}/captions`, {
      token: admin.accessToken,
      body: form,
    });
    expect(created.status, created.text).toBe(201);
    const captionId = created.body.id as string;

    // The same signed URL B handed out before, fetched again: the caption is in it.
    const shownAfter = await within(VISIBLE_WITHIN_MS, async () =>
      (await (await fetch(before.url)).text()).includes('LANGUAGE="de"'),
    );
    const onB = await masterThrough(b.url, admin.accessToken, videoId);
    const rendition = onB.text.split('\n').find((l) => l.startsWith('#EXT-X-MEDIA:TYPE=SUBTITLES'));
    expect(rendition, onB.text).toContain('LANGUAGE="de"');
    expect(rendition).toContain('NAME="Deutsch"');
    const vtt = await fetch(new URL(`subs/${captionId}.vtt`, onB.url));
    expect(vtt.status).toBe(200);
    expect(await vtt.text()).toContain('Across instances');
    await client.waitFor(
      (e) => e.event === 'video:updated' && (e.payload as { videoId: string }).videoId === videoId,
      10_000,
    );
    await receiver.waitForCount(1, 30_000);
    const first = JSON.parse(receiver.received[0]!.body) as { type: string; data: unknown };
    expect(first).toMatchObject({ type: 'video.updated', data: { videoId, changes: ['captions'] } });

    // Delete through B: A's master (fetched before, through A) no longer lists it.
    const onA = await masterThrough(a.url, admin.accessToken, videoId);
    expect(onA.text).toContain('LANGUAGE="de"');
    const deleted = await call(b.url, 'DELETE', `/v1/videos/${videoId}/captions/${captionId}`, {
      token: admin.accessToken,
    });
    expect(deleted.status, deleted.text).toBe(204);
    const goneAfter = await within(VISIBLE_WITHIN_MS, async () => {
      const text = await (await fetch(onA.url)).text();
      return !text.includes('TYPE=SUBTITLES') && !text.includes('LANGUAGE="de"');
    });
    expect((await fetch(new URL(`subs/${captionId}.vtt`, onA.url))).status).toBe(404);
    await within(10_000, async () => client!.events.filter((e) => e.event === 'video:updated').length >= 2);
    await receiver.waitForCount(2, 30_000);
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({
      type: 'video.updated',
      data: { videoId, changes: ['captions'] },
    });
    // Both showed on the first request after the change (no cache to outwait).
    expect(shownAfter).toBeLessThan(VISIBLE_WITHIN_MS);
    expect(goneAfter).toBeLessThan(VISIBLE_WITHIN_MS);
  }, 120_000);
});
