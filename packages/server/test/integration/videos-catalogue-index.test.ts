import { readFile } from 'node:fs/promises';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { startPrivateRedis, type PrivateRedis } from '../../../../test/support/redis-server.js';
import { createLogger } from '../../src/index.js';
import type { CatalogueIndex } from '../../src/videos/catalogue-index.js';
import {
  createCatalogueMaintainer,
  type CatalogueMaintainer,
} from '../../src/videos/catalogue-maintainer.js';
import { toVideoJson, type VideoJson } from '../../src/videos/video-json.js';
import type { Video } from '../../src/videos/video-model.js';
import { startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';
import { tusCreate, tusPatch } from '../../../../test/support/tus-requests.js';

const silent = createLogger({ level: 'silent', name: 'catalogue-test' });

interface Page {
  items: VideoJson[];
  nextCursor: string | null;
}

// Two API instances sharing one Redis prefix and one database, as two server processes would.
describe('the catalogue index', () => {
  let a: VideoTestServer;
  let b: VideoTestServer;
  let maintainer: CatalogueMaintainer;
  let index: CatalogueIndex;
  let clip: Buffer;

  beforeAll(async () => {
    a = await startVideoTestServer({ isolate: 'cat' });
    b = await startVideoTestServer({ isolate: 'cat' });
    maintainer = createCatalogueMaintainer({
      Video: a.Video,
      redis: a.redis,
      prefix: a.config.REDIS_PREFIX,
      logger: silent,
    });
    index = maintainer.index;
    await maintainer.check();
    expect(await index.isReady()).toBe(true);
    clip = await readFile(await makeClip({ width: 160, height: 90, seconds: 1 }));
  });
  afterAll(async () => {
    await maintainer?.close();
    await Promise.all([a.close(), b.close()]);
  });

  async function createUpload(t: VideoTestServer, org: string, title: string, length = clip.length) {
    const res = await tusCreate(t.url, t.as(org), length, { title });
    expect(res.status).toBe(201);
    return { id: res.headers.get('reelkit-video-id')!, url: `${t.url}${res.headers.get('location')}` };
  }

  async function finishUpload(t: VideoTestServer, org: string, url: string) {
    const res = await tusPatch(url, t.as(org), 0, clip);
    expect(res.status).toBe(204);
  }

  async function multipart(t: VideoTestServer, org: string, title: string, visibility = 'private') {
    const f = new FormData();
    f.append('title', title);
    f.append('visibility', visibility);
    f.append('file', new Blob([new Uint8Array(clip)], { type: 'video/mp4' }), 'a.mp4');
    const res = await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(org), body: f });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const patch = (t: VideoTestServer, org: string, id: string, body: object) =>
    fetch(`${t.url}/v1/videos/${id}`, {
      method: 'PATCH',
      headers: { ...t.as(org), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const del = (t: VideoTestServer, org: string, id: string) =>
    fetch(`${t.url}/v1/videos/${id}`, { method: 'DELETE', headers: t.as(org) });

  /** Every item of a listing, following the cursor with small pages. */
  async function listAll(t: VideoTestServer, org: string, query: string): Promise<VideoJson[]> {
    const ids: VideoJson[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${t.url}/v1/videos?limit=3&${query}${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: t.as(org, 'viewer'),
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      ids.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  async function stats(t: VideoTestServer, org: string): Promise<unknown> {
    const res = await fetch(`${t.url}/v1/videos/stats`, { headers: t.as(org, 'viewer') });
    expect(res.status).toBe(200);
    return res.json();
  }

  /** What the database says, computed here without any index. */
  async function truth(org: string) {
    const docs = await a.Video.find({ orgId: org }).lean<Video[]>();
    docs.sort((x, y) => (x._id.toHexString() < y._id.toHexString() ? 1 : -1));
    const ids = (pred: (v: Video) => boolean) => docs.filter(pred).map((v) => v._id.toHexString());
    const byStatus = [...new Set(docs.map((v) => v.status))].sort().map((status) => {
      const of = docs.filter((v) => v.status === status);
      return {
        status,
        count: of.length,
        durationSeconds: of.reduce((s, v) => s + (v.metadata?.duration ?? 0), 0),
        bytes: of.reduce((s, v) => s + (v.source?.size ?? 0), 0),
      };
    });
    return {
      ids,
      json: docs.map(toVideoJson),
      stats: {
        byStatus,
        total: {
          count: docs.length,
          durationSeconds: byStatus.reduce((s, r) => s + r.durationSeconds, 0),
          bytes: byStatus.reduce((s, r) => s + r.bytes, 0),
        },
      },
    };
  }

  const QUERIES: Array<[string, (v: Video) => boolean]> = [
    ['', () => true],
    ['status=uploading', (v) => v.status === 'uploading'],
    ['status=queued', (v) => v.status === 'queued'],
    ['status=ready', (v) => v.status === 'ready'],
    ['visibility=public', (v) => v.visibility === 'public'],
    ['status=ready&visibility=public', (v) => v.status === 'ready' && v.visibility === 'public'],
    ['q=clip', (v) => /\bclip/i.test(v.title)],
    ['q=REN', (v) => /\bren/i.test(v.title)],
  ];

  /** Pages, filters, search, each video and the stats, as the database has them. */
  async function expectMatchesDatabase(t: VideoTestServer, org: string) {
    const want = await truth(org);
    for (const [query, pred] of QUERIES) {
      const items = await listAll(t, org, query);
      expect(
        items.map((v) => v.id),
        query,
      ).toEqual(want.ids(pred));
      if (query === '') expect(items).toEqual(want.json);
    }
    for (const video of want.json) {
      const res = await fetch(`${t.url}/v1/videos/${video.id}`, { headers: t.as(org, 'viewer') });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(video);
    }
    expect(await stats(t, org)).toEqual(want.stats);
  }

  it('stays equal to the database under concurrent uploads, edits, status changes and deletes on two instances', async () => {
    const org = new Types.ObjectId().toHexString();
    const instances = [a, b];
    const on = (i: number) => instances[i % 2]!;
    // Uploads on both instances at once: resumable (some finished) and multipart.
    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) => createUpload(on(i), org, `clip ${i}`)),
    );
    const parts = await Promise.all(
      Array.from({ length: 4 }, (_, i) => multipart(on(i), org, `multipart clip ${i}`, 'public')),
    );
    await Promise.all(created.slice(0, 18).map((c, i) => finishUpload(on(i + 1), org, c.url)));
    const ids = [...created.map((c) => c.id), ...parts];

    // Status and progress changes as the transcode results apply them, on either instance (each
    // write through the model is followed by the index, whichever process makes it).
    const setStatus = async (i: number, id: string, status: Video['status'], duration?: number) => {
      await on(i).Video.updateOne(
        { _id: id, status: { $in: ['queued', 'processing'] } },
        { $set: { status, ...(duration ? { metadata: { duration } } : {}) } },
      );
    };
    const progress = (i: number, id: string, percent: number) =>
      on(i).Video.updateOne(
        { _id: id, status: { $in: ['queued', 'processing'] } },
        { $set: { status: 'processing', progress: { stage: 'encode', percent } } },
      );

    await Promise.all([
      // The same videos renamed and re-published from both instances at once.
      ...ids
        .slice(0, 12)
        .flatMap((id, i) => [
          patch(a, org, id, { title: `renamed ${i} on a`, visibility: 'public' }),
          patch(b, org, id, { title: `renamed ${i} on b`, visibility: 'unlisted' }),
        ]),
      // Progress then a final status racing the edits, both instances applying.
      ...ids.slice(6, 18).map(async (id, i) => {
        for (const percent of [10, 40, 70]) await progress(i + percent, id, percent);
        await setStatus(i, id, i % 3 === 0 ? 'failed' : 'ready', 1.25 + i);
      }),
      // Progress of videos still being processed, from both instances at once.
      ...ids.slice(24, 26).flatMap((id) => [progress(0, id, 30), progress(1, id, 55)]),
      // Deletes from both instances of the same videos, racing a status change of them.
      ...ids
        .slice(18, 24)
        .flatMap((id, i) => [del(a, org, id), del(b, org, id), setStatus(i, id, 'ready', 3)]),
    ]);

    for (const t of instances) await expectMatchesDatabase(t, org);
    const report = await index.rebuild({ orgId: new Types.ObjectId(org) });
    expect(report).toMatchObject({ ran: true, videos: ids.length - 6, corrected: 0, removed: 0 });
  });

  it('never hides a new video whose write mark the maintainer took before the insert landed', async () => {
    const org = new Types.ObjectId().toHexString();
    const template = await a.Video.findById(await multipart(a, org, 'template')).lean<Video>();
    const id = new Types.ObjectId();
    // As the pre-save hook marks a creation; the maintainer pops the mark before the insert lands.
    await index.intend({ id, orgId: new Types.ObjectId(org), intent: 'in-flight' });
    expect(await index.refreshDirty()).toBe(1);
    await a.Video.create({ ...template, _id: id, title: 'created after the mark was taken' });
    const res = await fetch(`${b.url}/v1/videos/${id.toHexString()}`, { headers: b.as(org, 'viewer') });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ title: 'created after the mark was taken' });
  });

  it('shows a write to every instance as soon as the write is answered (each write is followed before it returns)', async () => {
    const org = new Types.ObjectId().toHexString();
    const id = await multipart(a, org, 'first title');
    expect(await index.isReady()).toBe(true);
    for (const [writer, reader, title] of [
      [a, b, 'second title'],
      [b, a, 'third title'],
    ] as const) {
      expect((await patch(writer, org, id, { title, visibility: 'unlisted' })).status).toBe(200);
      const one = await fetch(`${reader.url}/v1/videos/${id}`, { headers: reader.as(org, 'viewer') });
      expect(await one.json()).toMatchObject({ id, title, visibility: 'unlisted' });
      const found = await fetch(`${reader.url}/v1/videos?q=${encodeURIComponent(title.split(' ')[0]!)}`, {
        headers: reader.as(org, 'viewer'),
      });
      expect(((await found.json()) as Page).items.map((v) => v.title)).toEqual([title]);
    }
    // Progress as the transcode results write it: in the JSON at once, with its updatedAt.
    await b.Video.updateOne(
      { _id: id },
      { $set: { status: 'processing', progress: { stage: 'encode', percent: 42 } } },
    );
    const doc = await a.Video.findById(id).lean<Video>();
    const one = await fetch(`${a.url}/v1/videos/${id}`, { headers: a.as(org, 'viewer') });
    expect(await one.json()).toEqual(toVideoJson(doc!));
    expect(doc!.progress).toEqual({ stage: 'encode', percent: 42 });
    expect((await del(a, org, id)).status).toBe(204);
    expect((await fetch(`${b.url}/v1/videos/${id}`, { headers: b.as(org, 'viewer') })).status).toBe(404);
    expect(await listAll(b, org, '')).toEqual([]);
  });

  it('finds titles by word prefixes with diacritics folded, the same from the index and the database', async () => {
    const org = new Types.ObjectId().toHexString();
    for (const title of [
      'Crème brûlée',
      'Creme Brulee recipe',
      'Brûlée and ananas',
      'Banana split',
      'Cats (2024)',
    ])
      await createUpload(a, org, title);
    const titles = async (q: string) => {
      const res = await fetch(`${a.url}/v1/videos?q=${encodeURIComponent(q)}`, {
        headers: a.as(org, 'viewer'),
      });
      return ((await res.json()) as Page).items.map((v) => v.title).sort();
    };
    const cases: Array<[string, string[]]> = [
      ['brul', ['Brûlée and ananas', 'Creme Brulee recipe', 'Crème brûlée']],
      ['CRÈME', ['Creme Brulee recipe', 'Crème brûlée']],
      ['brû ana', ['Brûlée and ananas']],
      ['nana', []],
      ['(2024)', ['Cats (2024)']],
      ['.*', []],
    ];
    for (const [q, want] of cases) expect(await titles(q), `index: ${q}`).toEqual(want);
    await index.invalidate();
    for (const [q, want] of cases) expect(await titles(q), `database: ${q}`).toEqual(want);
    await maintainer.check();
    expect(await index.isReady()).toBe(true);
  });
});

// A Redis of the test's own, stopped and started again: what a Redis restart does to the index.
describe('the catalogue index across a Redis restart', () => {
  let redis: PrivateRedis;
  let t: VideoTestServer;
  let maintainer: CatalogueMaintainer;
  let clip: Buffer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startVideoTestServer({ isolate: 'catrs', redisUrl: redis.url });
    maintainer = createCatalogueMaintainer({
      Video: t.Video,
      redis: t.redis,
      prefix: t.config.REDIS_PREFIX,
      logger: silent,
    });
    await maintainer.check();
    clip = await readFile(await makeClip({ width: 160, height: 90, seconds: 1 }));
  });
  afterAll(async () => {
    await maintainer?.close();
    await t?.close();
    await redis?.dispose();
  });

  const upload = async (org: string, title: string) => {
    const f = new FormData();
    f.append('title', title);
    f.append('file', new Blob([new Uint8Array(clip)], { type: 'video/mp4' }), 'a.mp4');
    const res = await fetch(`${t.url}/v1/videos`, { method: 'POST', headers: t.as(org), body: f });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const page = async (org: string) => {
    const res = await fetch(`${t.url}/v1/videos?limit=100`, { headers: t.as(org, 'viewer') });
    expect(res.status).toBe(200);
    return ((await res.json()) as Page).items;
  };
  const fromDatabase = async (org: string) =>
    (await t.Video.find({ orgId: org }).sort({ _id: -1 }).lean<Video[]>()).map(toVideoJson);

  it('loses nothing: answers from the database until the rebuild, which brings back every video and every write made meanwhile', async () => {
    const org = t.newOrg();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await upload(org, `before restart ${i}`));
    expect(await maintainer.index.isReady()).toBe(true);
    expect(await page(org)).toEqual(await fromDatabase(org));

    await redis.stop();
    // A write while Redis is down: the database takes it; its index update waits for Redis.
    const renaming = fetch(`${t.url}/v1/videos/${ids[1]}`, {
      method: 'PATCH',
      headers: { ...t.as(org), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'renamed while redis was down', visibility: 'public' }),
    });
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    expect((await renaming).status).toBe(200);

    // The restarted Redis has no index: answers come from the database, complete and current.
    expect(await maintainer.index.isReady()).toBe(false);
    expect(await page(org)).toEqual(await fromDatabase(org));
    const stats = await fetch(`${t.url}/v1/videos/stats`, { headers: t.as(org, 'viewer') });
    expect(((await stats.json()) as { total: { count: number } }).total.count).toBe(4);

    const report = await maintainer.check();
    expect(report).toMatchObject({ ran: true });
    expect(await maintainer.index.isReady()).toBe(true);
    const items = await page(org);
    expect(items).toEqual(await fromDatabase(org));
    expect(items.find((v) => v.id === ids[1])).toMatchObject({
      title: 'renamed while redis was down',
      visibility: 'public',
    });
    const search = await fetch(`${t.url}/v1/videos?q=redis%20DOWN`, { headers: t.as(org, 'viewer') });
    expect(((await search.json()) as Page).items.map((v) => v.id)).toEqual([ids[1]]);
  });
});
