import { mkdir, mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, type Storage } from '@reelkit/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHotFileCache, entryAge } from './hot-file-cache.js';

const KEY = 'o/v/hls/360p/seg_00001.m4s';

describe('hot file cache', () => {
  let root: string;
  let storage: Storage;
  let clock = 0;
  const now = () => clock;
  let stats = 0;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'reelkit-hot-'));
    const local = new LocalStorage(root);
    stats = 0;
    clock = 1_000_000;
    // Counts what the cache asks storage, so the tests can say a hit asks nothing.
    storage = Object.assign(Object.create(local) as Storage, {
      stat: (key: string) => {
        stats++;
        return local.stat(key);
      },
    });
    await mkdir(join(root, 'o/v/hls/360p'), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const put = async (key: string, bytes: Buffer, mtimeSeconds: number) => {
    await writeFile(join(root, key), bytes);
    await utimes(join(root, key), mtimeSeconds, mtimeSeconds);
  };

  it('holds a file whole and answers from memory, without asking storage, until the revalidation time', async () => {
    const bytes = Buffer.from('segment bytes');
    await put(KEY, bytes, 1_700_000_000);
    const cache = createHotFileCache({ storage, maxBytes: 1024, now });
    expect(cache.fresh(KEY)).toBeUndefined();
    const loaded = await cache.load(KEY, 'video/iso.segment');
    expect(loaded?.body.equals(bytes)).toBe(true);
    expect(loaded?.file).toMatchObject({ size: bytes.length, mimeType: 'video/iso.segment' });
    expect(loaded?.file.etag).toBe(`"${(1_700_000_000).toString(16)}-${bytes.length.toString(16)}"`);
    expect(cache.bytes).toBe(bytes.length);
    const asked = stats;
    clock += 799;
    expect(cache.fresh(KEY)).toBe(loaded);
    expect(stats).toBe(asked);
    clock += 201;
    expect(cache.fresh(KEY)).toBeUndefined();
  });

  it('re-checks a file in use in the background before its bound, so no request waits for the stat', async () => {
    const bytes = Buffer.from('segment bytes');
    await put(KEY, bytes, 1_700_000_000);
    const cache = createHotFileCache({ storage, maxBytes: 1024, now });
    const loaded = await cache.load(KEY, 'video/iso.segment');
    const asked = stats;
    clock += 850;
    // Served at once, and one check started (not one per request).
    expect(cache.fresh(KEY)).toBe(loaded);
    expect(cache.fresh(KEY)).toBe(loaded);
    expect(stats).toBe(asked + 1);
    await cache.load(KEY, 'video/iso.segment'); // joins the check in flight
    expect(stats).toBe(asked + 1);
    // Confirmed at +850, so still served at +1500, past the first bound.
    clock += 650;
    expect(cache.fresh(KEY)).toBe(loaded);
    // A file replaced is seen by the background check, and the next request gets the new bytes.
    await put(KEY, Buffer.from('replaced!'), 1_700_000_100);
    clock += 200; // +1700: 850 ms after the last check, past 80 % again
    expect(cache.fresh(KEY)).toBe(loaded);
    await cache.load(KEY, 'video/iso.segment');
    expect(cache.fresh(KEY)?.body.toString()).toBe('replaced!');
  });

  it('never serves an entry past its bound, whatever the background check is doing', () => {
    expect(entryAge(0, 0, 1000)).toBe('fresh');
    expect(entryAge(0, 799, 1000)).toBe('fresh');
    expect(entryAge(0, 800, 1000)).toBe('recheck');
    expect(entryAge(0, 999, 1000)).toBe('recheck');
    expect(entryAge(0, 1000, 1000)).toBe('stale');
    expect(entryAge(0, 5000, 1000)).toBe('stale');
  });

  it('re-reads a file replaced under the same key, and drops one deleted, at the next check', async () => {
    await put(KEY, Buffer.from('first'), 1_700_000_000);
    const cache = createHotFileCache({ storage, maxBytes: 1024, now });
    await cache.load(KEY, 'video/iso.segment');
    await put(KEY, Buffer.from('second!'), 1_700_000_100);
    clock += 1_000;
    const again = await cache.load(KEY, 'video/iso.segment');
    expect(again?.body.toString()).toBe('second!');
    expect(cache.bytes).toBe(7);
    await unlink(join(root, KEY));
    clock += 1_000;
    expect(await cache.load(KEY, 'video/iso.segment')).toBeNull();
    expect(cache.bytes).toBe(0);
  });

  it('keeps within its byte budget, the least recently used going first, and never holds a file over the limit', async () => {
    const keys = [1, 2, 3].map((i) => `o/v/hls/360p/seg_0000${i}.m4s`);
    for (const key of keys) await put(key, Buffer.alloc(400, 1), 1_700_000_000);
    const cache = createHotFileCache({ storage, maxBytes: 1000, maxFileBytes: 500, now });
    await cache.load(keys[0]!, 'video/iso.segment');
    await cache.load(keys[1]!, 'video/iso.segment');
    cache.fresh(keys[0]!); // the first is now the most recently used
    await cache.load(keys[2]!, 'video/iso.segment');
    expect(cache.bytes).toBe(800);
    expect(cache.fresh(keys[0]!)).toBeDefined();
    expect(cache.fresh(keys[1]!)).toBeUndefined();
    expect(cache.fresh(keys[2]!)).toBeDefined();

    const big = 'o/v/mp4/360p.mp4';
    await mkdir(join(root, 'o/v/mp4'), { recursive: true });
    await put(big, Buffer.alloc(600), 1_700_000_000);
    expect(await cache.load(big, 'video/mp4')).toBeNull();
    const asked = stats;
    expect(await cache.load(big, 'video/mp4')).toBeNull();
    expect(stats).toBe(asked); // "too large" is remembered until the next check
    expect(cache.bytes).toBe(800);
  });

  it('shares one read between concurrent misses, and holds nothing when turned off', async () => {
    await put(KEY, Buffer.from('shared'), 1_700_000_000);
    const cache = createHotFileCache({ storage, maxBytes: 1024, now });
    const [a, b] = await Promise.all([
      cache.load(KEY, 'video/iso.segment'),
      cache.load(KEY, 'video/iso.segment'),
    ]);
    expect(a).toBe(b);
    expect(stats).toBe(1);
    const off = createHotFileCache({ storage, maxBytes: 0, now });
    expect(await off.load(KEY, 'video/iso.segment')).toBeNull();
  });
});
