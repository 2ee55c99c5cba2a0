import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferPool, LocalStorage, writeRange } from '../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'reelkit-write-range-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A writable that keeps copies of what it got, acknowledging each write after `delayMs`. */
function sink(delayMs = 0) {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk)); // a copy, as a socket's kernel buffer would have
      if (delayMs) setTimeout(done, delayMs);
      else done();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

const data = randomBytes(5 * 64 * 1024 + 123);
const path = join(root, 'file');
await writeFile(path, data);

describe('writeRange', () => {
  it('writes exactly the inclusive range, across several reads, and ends the writable', async () => {
    const fd = openSync(path, 'r');
    try {
      const pool = new BufferPool(64 * 1024, 4);
      for (const [start, end] of [
        [0, data.length - 1],
        [100, 100],
        [64 * 1024 - 1, 3 * 64 * 1024 + 5],
        [data.length - 10, data.length - 1],
      ] as const) {
        const { out, bytes } = sink();
        await writeRange(fd, { start, end }, out, pool);
        expect(out.writableFinished).toBe(true);
        expect(bytes().equals(data.subarray(start, end + 1))).toBe(true);
      }
      expect(pool.idle).toBe(1); // one buffer at a time, always given back
    } finally {
      closeSync(fd);
    }
  });

  it('never hands a buffer to the next read before its write is done, with many readers at once', async () => {
    const fd = openSync(path, 'r');
    try {
      const pool = new BufferPool(16 * 1024, 2); // few buffers, slow writers: reuse happens
      const ranges = Array.from({ length: 12 }, (_, i) => ({
        start: i * 1000,
        end: Math.min(i * 1000 + 100_000, data.length - 1),
      }));
      const sinks = ranges.map((_, i) => sink(i % 3));
      await Promise.all(ranges.map((r, i) => writeRange(fd, r, sinks[i]!.out, pool)));
      ranges.forEach((r, i) =>
        expect(sinks[i]!.bytes().equals(data.subarray(r.start, r.end + 1))).toBe(true),
      );
    } finally {
      closeSync(fd);
    }
  });

  it('destroys the writable and rejects when the file ends before the range', async () => {
    const fd = openSync(path, 'r');
    try {
      const { out } = sink();
      await expect(
        writeRange(fd, { start: data.length - 5, end: data.length + 100 }, out, new BufferPool(1024, 1)),
      ).rejects.toThrow(/ended at byte/);
      expect(out.destroyed).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('resolves without reading on when the writable closes early (the client went away)', async () => {
    const fd = openSync(path, 'r');
    try {
      const pool = new BufferPool(16 * 1024, 2);
      let writes = 0;
      const out = new Writable({
        write(_chunk, _enc, done) {
          if (++writes === 2) out.destroy();
          done();
        },
      });
      await writeRange(fd, { start: 0, end: data.length - 1 }, out, pool);
      expect(writes).toBe(2);
      expect(pool.idle).toBeGreaterThan(0);
    } finally {
      closeSync(fd);
    }
  });
});

describe('LocalStorage.openReader', () => {
  it('sends ranges of an object and answers null for a missing one', async () => {
    const storage = new LocalStorage(root);
    const reader = await storage.openReader('file');
    expect(reader?.size).toBe(data.length);
    const { out, bytes } = sink();
    await reader!.send({ start: 10, end: 20_000 }, out);
    expect(bytes().equals(data.subarray(10, 20_001))).toBe(true);
    expect(await storage.openReader('nope/missing')).toBeNull();
  });

  it('serves the new bytes after an object is rewritten under the same key', async () => {
    const storage = new LocalStorage(root, { fileHandles: { maxAgeMs: 60_000 } });
    const { Readable } = await import('node:stream');
    await storage.write('org/v/source', Readable.from([Buffer.from('first version')]));
    const first = await storage.openReader('org/v/source');
    const a = sink();
    await first!.send({ start: 0, end: 4 }, a.out);
    expect(a.bytes().toString()).toBe('first');
    await storage.write('org/v/source', Readable.from([Buffer.from('again, longer')]));
    const second = await storage.openReader('org/v/source');
    const b = sink();
    await second!.send({ start: 0, end: 4 }, b.out);
    expect(b.bytes().toString()).toBe('again');
    await storage.deletePrefix('org/');
    expect(await storage.openReader('org/v/source')).toBeNull();
  });
});
