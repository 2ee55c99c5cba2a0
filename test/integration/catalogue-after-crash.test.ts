// The catalogue index after a process dies mid-write: two API processes (`main.ts`) share Redis and
// the database. API A edits a video; the database takes the write, and A is killed -9 before its
// index refresh (held back here by holding the video's index lock, as a slow Redis or a busy
// moment does in production — the soak's kill of an API applying a transcode result left a video
// `processing` in the index that way, ready in the database, for hours). B must show the write
// within its maintainer's period, because A marked the video dirty before writing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../packages/server/src/index.js';
import { call, signup, uploadVideo } from '../support/api-client.js';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';
import { makeClip } from '../support/clips.js';
import { isolatedStack, stackEnv } from '../support/stack-env.js';

/** The maintainer checks every 30 s; a refresh and a busy machine on top. */
const REPAIRED_WITHIN_MS = 90_000;

const isolated = isolatedStack('cx');
const root = mkdtempSync(join(tmpdir(), 'reelkit-cat-crash-'));
let a: ApiProcess;
let b: ApiProcess;
let db: Connection;
let redis: Redis;

const startApi = (role: string) => startApiProcess(role, root, isolated);

beforeAll(async () => {
  redis = new Redis(stackEnv().REDIS_URL, { maxRetriesPerRequest: 3 });
  [a, b, db] = await Promise.all([
    startApi('api-a'),
    startApi('api-b'),
    connectDatabase(stackEnv().MONGODB_URI, isolated.MONGODB_DB),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.proc.stop('SIGKILL'), b?.proc.stop('SIGTERM', 20_000)]);
  await db?.close();
  redis?.disconnect();
  rmSync(root, { recursive: true, force: true });
});

async function titleThrough(base: string, token: string, id: string): Promise<string> {
  const res = await call(base, 'GET', `/v1/videos/${id}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.title as string;
}

describe('the catalogue index when an API dies between a write and its refresh', () => {
  it('shows the write through the other API once its maintainer runs', async () => {
    const admin = await signup(a.url, 'Crash Org');
    const id = await uploadVideo(
      a.url,
      admin.accessToken,
      await makeClip({ seconds: 1, width: 160, height: 90 }),
      'Before',
    );
    expect(await titleThrough(b.url, admin.accessToken, id)).toBe('Before');

    // A's refresh of this video waits for the lock (up to 30 s); the database write does not.
    const lock = `${isolated.REDIS_PREFIX}:lock:cat:${id}`;
    expect(await redis.set(lock, 'held-by-the-test', 'PX', 120_000, 'NX')).toBe('OK');
    const edit = call(a.url, 'PATCH', `/v1/videos/${id}`, {
      token: admin.accessToken,
      body: { title: 'After' },
    }).catch(() => undefined); // cut by the kill
    const videos = db.collection('videos');
    const until = Date.now() + 60_000;
    while ((await videos.findOne({ _id: new Types.ObjectId(id) }))?.title !== 'After') {
      if (Date.now() > until) throw new Error('the edit never reached the database');
      await new Promise((r) => setTimeout(r, 50));
    }
    await a.proc.stop('SIGKILL');
    await edit;
    await redis.del(lock);
    const start = Date.now();
    while ((await titleThrough(b.url, admin.accessToken, id)) !== 'After') {
      if (Date.now() - start > REPAIRED_WITHIN_MS)
        throw new Error(`B still shows the title from before the write after ${REPAIRED_WITHIN_MS} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 240_000);
});
