import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'reelkit-storage-'));
const storage = new LocalStorage(root);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('LocalStorage', () => {
  it('lists the prefixes one level down without their files', async () => {
    await storage.write('o1/v1/hls/a.m4s', Readable.from(['a']));
    await storage.write('o1/v2/source', Readable.from(['b']));
    await storage.write('o2/v3/source', Readable.from(['c']));
    expect(await storage.listPrefixes('')).toEqual(expect.arrayContaining(['o1/', 'o2/']));
    expect(await storage.listPrefixes('o1/')).toEqual(['o1/v1/', 'o1/v2/']);
    expect(await storage.listPrefixes('o1/v2/')).toEqual([]);
    expect(await storage.listPrefixes('missing/')).toEqual([]);
    await expect(storage.listPrefixes('o1')).rejects.toThrow(/ends with/);
    await expect(storage.listPrefixes('../')).rejects.toThrow();
    await storage.deletePrefix('o1/');
    await storage.deletePrefix('o2/');
  });

  it('writes a stream, reads ranges, stats, lists and deletes a prefix', async () => {
    const { size } = await storage.write(
      'org1/vid1/source',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    expect(size).toBe(11);
    expect(await text(storage.read('org1/vid1/source', { start: 6, end: 10 }))).toBe('world');
    expect((await storage.stat('org1/vid1/source'))?.size).toBe(11);
    expect(await storage.stat('org1/vid1/missing')).toBeNull();
    await storage.write('org1/vid1/hls/master.m3u8', Readable.from(['#EXTM3U\n']));
    expect(await storage.list('org1/vid1/')).toEqual(['org1/vid1/hls/master.m3u8', 'org1/vid1/source']);
    await storage.deletePrefix('org1/vid1/');
    expect(await storage.list('org1/')).toEqual([]);
  });

  it('leaves nothing behind when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(storage.write('org2/vid2/source', failing)).rejects.toThrow('connection reset');
    expect(await storage.stat('org2/vid2/source')).toBeNull();
    expect(await readdir(join(root, 'org2', 'vid2'))).toEqual([]);
  });

  it('keeps the old object whole until the new one is complete', async () => {
    await storage.write('org3/vid3/poster.jpg', Readable.from(['old']));
    const failing = new Readable({
      read() {
        this.destroy(new Error('boom'));
      },
    });
    await expect(storage.write('org3/vid3/poster.jpg', failing)).rejects.toThrow();
    expect(await readFile(join(root, 'org3/vid3/poster.jpg'), 'utf8')).toBe('old');
  });

  it('refuses paths outside the root', () => {
    expect(() => storage.read('../outside')).toThrow(/invalid storage key/);
  });
});
