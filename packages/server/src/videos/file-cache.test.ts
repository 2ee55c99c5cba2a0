import { describe, expect, it } from 'vitest';
import { createFileCache } from './file-cache.js';
import type { StoredFile } from './video-model.js';

const file = (key: string): StoredFile => ({
  key,
  size: 1,
  etag: '"x"',
  lastModified: new Date(0),
  mimeType: 'video/mp4',
});

describe('createFileCache', () => {
  it('reads once per key within the TTL, again after it, and at once after forget', async () => {
    let t = 0;
    let loads = 0;
    const cache = createFileCache({ ttlMs: 1000, now: () => t });
    const load = async () => {
      loads += 1;
      return file(`k${loads}`);
    };
    expect((await cache.get('a', load))?.key).toBe('k1');
    expect((await cache.get('a', load))?.key).toBe('k1');
    t = 1001;
    expect((await cache.get('a', load))?.key).toBe('k2');
    cache.forget('a');
    expect((await cache.get('a', load))?.key).toBe('k3');
    expect(loads).toBe(3);
  });

  it('does not cache a failed load', async () => {
    const cache = createFileCache();
    await expect(cache.get('a', () => Promise.reject(new Error('not found')))).rejects.toThrow('not found');
    expect((await cache.get('a', async () => file('ok')))?.key).toBe('ok');
  });

  it('stays bounded', async () => {
    const cache = createFileCache({ max: 2 });
    let loads = 0;
    const load = async () => {
      loads += 1;
      return null;
    };
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load); // evicts a
    await cache.get('a', load);
    expect(loads).toBe(4);
  });
});
