import { LocalStorage, type Storage } from '@reelkit/storage';
import Koa from 'koa';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendStoredFile } from './stream-file.js';
import { storedFileFromStat } from './stored-file.js';

const data = randomBytes(3 * 1024 * 1024 + 17);
let dir: string;
let local: LocalStorage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelkit-stream-file-'));
  local = new LocalStorage(dir);
  await local.write('o/v/source', Readable.from([data]));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The local driver without its fast path: what a driver with only `read` gets. */
function streamOnly(storage: LocalStorage): Storage {
  return {
    write: (k, b, o) => storage.write(k, b, o),
    read: (k, r) => storage.read(k, r),
    stat: (k) => storage.stat(k),
    list: (p) => storage.list(p),
    listPrefixes: (p) => storage.listPrefixes(p),
    deletePrefix: (p) => storage.deletePrefix(p),
    localPath: (k) => storage.localPath(k),
  };
}

describe.each([
  ['openReader (pooled buffers, cached descriptor)', () => local],
  ['read stream (drivers without openReader)', () => streamOnly(local)],
])('sendStoredFile through %s', (_name, storage) => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const file = storedFileFromStat((await local.stat('o/v/source'))!);
    const app = new Koa();
    app.use(async (ctx) => {
      await sendStoredFile(ctx, storage(), file, { cacheControl: 'public, max-age=5' });
      ctx.set('X-Too-Late', 'yes'); // after the fact: must not matter either way
    });
    server = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the whole file and byte-exact ranges with the same headers', async () => {
    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-length')).toBe(String(data.length));
    expect(full.headers.get('cache-control')).toBe('public, max-age=5');
    expect(Buffer.from(await full.arrayBuffer()).equals(data)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [1024 * 1024 - 1, 2 * 1024 * 1024 + 5],
      [data.length - 17, data.length - 1],
    ] as const) {
      const res = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${data.length}`);
      expect(Buffer.from(await res.arrayBuffer()).equals(data.subarray(start, end + 1))).toBe(true);
    }
  });

  it('serves many overlapping ranges at once, each intact', async () => {
    const ranges = Array.from({ length: 16 }, (_, i) => [i * 150_000, i * 150_000 + 1_500_000] as const);
    const bodies = await Promise.all(
      ranges.map(async ([a, b]) =>
        Buffer.from(await (await fetch(url, { headers: { range: `bytes=${a}-${b}` } })).arrayBuffer()),
      ),
    );
    bodies.forEach((body, i) =>
      expect(body.equals(data.subarray(ranges[i]![0], ranges[i]![1] + 1))).toBe(true),
    );
  });
});
