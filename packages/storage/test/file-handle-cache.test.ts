import { fstatSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileHandleCache } from '../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'reelkit-handles-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const isOpen = (fd: number) => {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FileHandleCache', () => {
  it('shares one descriptor between readers, including concurrent first ones', async () => {
    const path = join(root, 'a');
    await writeFile(path, 'hello');
    const cache = new FileHandleCache({ maxAgeMs: 10_000 });
    const [x, y] = await Promise.all([cache.acquire(path), cache.acquire(path)]);
    const z = await cache.acquire(path);
    expect(x.fd).toBe(y.fd);
    expect(z.fd).toBe(x.fd);
    expect(x.size).toBe(5);
    for (const l of [x, y, z]) l.release();
    expect(isOpen(x.fd)).toBe(true); // cached, not closed
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('stops reusing a descriptor after maxAgeMs and closes it once its readers are done', async () => {
    const path = join(root, 'b');
    await writeFile(path, 'hello');
    const cache = new FileHandleCache({ maxAgeMs: 30 });
    const first = await cache.acquire(path);
    await sleep(80);
    const second = await cache.acquire(path);
    expect(second.fd).not.toBe(first.fd);
    expect(isOpen(first.fd)).toBe(true); // still leased
    first.release();
    await sleep(20);
    expect(isOpen(first.fd)).toBe(false);
    second.release();
    cache.clear();
  });

  it('reopens a file rewritten under the same name when the expected size differs', async () => {
    const path = join(root, 'c');
    await writeFile(path, 'old');
    const cache = new FileHandleCache({ maxAgeMs: 10_000 });
    const old = await cache.acquire(path);
    old.release();
    await writeFile(`${path}.tmp`, 'newer bytes');
    await rename(`${path}.tmp`, path);
    expect((await cache.acquire(path)).size).toBe(3); // no expectation: the cached inode
    const fresh = await cache.acquire(path, { expectSize: 11 });
    expect(fresh.size).toBe(11);
    expect(fresh.fd).not.toBe(old.fd);
    cache.clear();
  });

  it('evicts everything below a directory', async () => {
    await mkdir(join(root, 'd', 'e'), { recursive: true });
    const inside = join(root, 'd', 'e', 'f');
    const outside = join(root, 'de');
    await writeFile(inside, 'x');
    await writeFile(outside, 'y');
    const cache = new FileHandleCache({ maxAgeMs: 10_000 });
    const a = await cache.acquire(inside);
    const b = await cache.acquire(outside);
    a.release();
    b.release();
    cache.evict(join(root, 'd'));
    expect(isOpen(a.fd)).toBe(false);
    expect(isOpen(b.fd)).toBe(true); // `de` is not below `d/`
    expect(cache.size).toBe(1);
    cache.clear();
  });

  it('gives readers beyond `max` a descriptor of their own, closed on release', async () => {
    const cache = new FileHandleCache({ maxAgeMs: 10_000, max: 1 });
    await writeFile(join(root, 'g1'), '1');
    await writeFile(join(root, 'g2'), '2');
    const cached = await cache.acquire(join(root, 'g1'));
    const own = await cache.acquire(join(root, 'g2'));
    own.release();
    expect(isOpen(own.fd)).toBe(false);
    cached.release();
    expect(isOpen(cached.fd)).toBe(true);
    cache.clear();
  });

  it('rejects a missing file with ENOENT and a directory with EISDIR, leaking nothing', async () => {
    const cache = new FileHandleCache();
    await expect(cache.acquire(join(root, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(cache.acquire(root)).rejects.toMatchObject({ code: 'EISDIR' });
    expect(cache.size).toBe(0);
  });
});
