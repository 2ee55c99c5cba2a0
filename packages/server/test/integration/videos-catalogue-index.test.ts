import { readFile } from 'node:fs/promises';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { createLogger } from '../../src/index.js';
import { createCatalogueIndex, type CatalogueIndex } from '../../src/videos/catalogue-index.js';
import {
  createCatalogueMaintainer,
  type CatalogueMaintainer,
} from '../../src/videos/catalogue-maintainer.js';
import type { Video } from '../../src/videos/video-model.js';
import { startVideoTestServer, type VideoTestServer } from '../support/video-test-server.js';

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const silent = createLogger({ level: 'silent', name: 'catalogue-test' });

interface Page {
  items: Array<{ id: string; title: string; status: string; visibility: string }>;
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

  async function tusCreate(t: VideoTestServer, org: string, title: string, length = clip.length) {
    const res = await fetch(`${t.url}/v1/uploads`, {
      method: 'POST',
      headers: {
        ...t.as(org),
        ...TUS,
        'upload-length': String(length),
        'upload-metadata': `title ${b64(title)}`,
      },
    });
    expect(res.status).toBe(201);
    return { id: res.headers.get('reelkit-video-id')!, url: `${t.url}${res.headers.get('location')}` };
  }

  async function tusFinish(t: VideoTestServer, org: string, url: string) {
    const res = await fetch(url, {
      method: 'PATCH',
      headers: {
        ...t.as(org),
        ...TUS,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(clip),
    });
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

  /** Every id of a listing, following the cursor with small pages. */
  async function listAll(t: VideoTestServer, org: string, query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${t.url}/v1/videos?limit=3&${query}${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: t.as(org, 'viewer'),
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      ids.push(...page.items.map((v) => v.id));
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

  async function expectMatchesDatabase(t: VideoTestServer, org: string) {
    const want = await truth(org);
    for (const [query, pred] of QUERIES) expect(await listAll(t, org, query), query).toEqual(want.ids(pred));
    expect(await stats(t, org)).toEqual(want.stats);
  }

  it('stays equal to the database under concurrent uploads, edits, status changes and deletes on two instances', async () => {
    const org = new Types.ObjectId().toHexString();
    const instances = [a, b];
    const on = (i: number) => instances[i % 2]!;
    // Uploads on both instances at once: resumable (some finished) and multipart.
    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) => tusCreate(on(i), org, `clip ${i}`)),
    );
    const parts = await Promise.all(
      Array.from({ length: 4 }, (_, i) => multipart(on(i), org, `multipart clip ${i}`, 'public')),
    );
    await Promise.all(created.slice(0, 6).map((c, i) => tusFinish(on(i + 1), org, c.url)));
    const ids = [...created.map((c) => c.id), ...parts];

    // Each instance's own index handle, as the transcode results apply status changes.
    const handles = instances.map((t) =>
      createCatalogueIndex({ Video: t.Video, redis: t.redis, prefix: t.config.REDIS_PREFIX, logger: silent }),
    );
    const setStatus = async (i: number, id: string, status: Video['status'], duration?: number) => {
      await on(i).Video.updateOne(
        { _id: id },
        { $set: { status, ...(duration ? { metadata: { duration } } : {}) } },
      );
      await handles[i % 2]!.refresh(new Types.ObjectId(org), id);
    };

    await Promise.all([
      // The same videos renamed and re-published from both instances at once.
      ...ids
        .slice(0, 12)
        .flatMap((id, i) => [
          patch(a, org, id, { title: `renamed ${i} on a`, visibility: 'public' }),
          patch(b, org, id, { title: `renamed ${i} on b`, visibility: 'unlisted' }),
        ]),
      // Status changes racing the edits, both instances applying.
      ...ids.slice(6, 18).map((id, i) => setStatus(i, id, i % 3 === 0 ? 'failed' : 'ready', 1.25 + i)),
      // Deletes from both instances of the same videos, racing a status change of them.
      ...ids
        .slice(18, 24)
        .flatMap((id, i) => [del(a, org, id), del(b, org, id), setStatus(i, id, 'ready', 3)]),
    ]);

    for (const t of instances) await expectMatchesDatabase(t, org);
    const report = await index.rebuild({ orgId: new Types.ObjectId(org) });
    expect(report).toMatchObject({ ran: true, videos: ids.length - 6, corrected: 0, removed: 0 });
  });

  it('serves from the database while the index is lost and rebuilds it without losing a video', async () => {
    const org = new Types.ObjectId().toHexString();
    await Promise.all(Array.from({ length: 5 }, (_, i) => tusCreate(i % 2 ? a : b, org, `clip ${i}`)));
    await multipart(a, org, 'renamed clip', 'public');
    const before = await truth(org);

    // What a Redis restart leaves: none of this run's index keys (never a FLUSH of the shared Redis).
    let cursor = '0';
    do {
      const [next, keys] = await a.redis.scan(
        cursor,
        'MATCH',
        `${a.config.REDIS_PREFIX}:cat:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) await a.redis.del(...keys);
    } while (cursor !== '0');
    expect(await index.isReady()).toBe(false);

    // Still right, from the database; a write meanwhile is not lost either.
    await expectMatchesDatabase(b, org);
    const late = await multipart(b, org, 'late clip');
    await maintainer.check();
    expect(await index.isReady()).toBe(true);
    const after = await truth(org);
    expect(after.ids(() => true)).toEqual([late, ...before.ids(() => true)]);
    await expectMatchesDatabase(a, org);
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
      await tusCreate(a, org, title);
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
