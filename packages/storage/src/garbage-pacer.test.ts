import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createGarbagePacer, pacedChunks } from './garbage-pacer.js';

describe('stream garbage pacer', () => {
  it('collects once per bound of bytes received, across calls', () => {
    const pacer = createGarbagePacer(1024 * 1024);
    for (let i = 0; i < 15; i++) pacer.received(64 * 1024);
    expect(pacer.collections).toBe(0);
    pacer.received(64 * 1024);
    expect(pacer.collections).toBe(1);
    for (let i = 0; i < 48; i++) pacer.received(64 * 1024);
    expect(pacer.collections).toBe(4);
  });

  it('frees the chunks that are no longer referenced, without waiting for a full GC', async () => {
    const pacer = createGarbagePacer(1024 * 1024);
    await nextTurn();
    const base = process.memoryUsage().arrayBuffers;
    // Like the request body chunks of an upload: fresh 64 KiB Buffers, dropped once used.
    let sum = 0;
    for (let i = 0; i < 256; i++) sum += Buffer.alloc(64 * 1024, 1)[0]!;
    expect(sum).toBe(256);
    await nextTurn();
    const garbage = process.memoryUsage().arrayBuffers - base;
    expect(garbage).toBeGreaterThanOrEqual(12 * 1024 * 1024); // nothing collected them yet
    pacer.received(1024 * 1024);
    expect(pacer.collections).toBe(1);
    // The scavenge drops the chunks at once; V8 may hand their backing stores back on a background
    // thread, so on a busy machine the count falls a moment later. Nothing allocates meanwhile, so
    // no other GC runs (V8's memory reducer waits seconds).
    const until = Date.now() + 10_000;
    while (process.memoryUsage().arrayBuffers - base >= 6 * 1024 * 1024 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(6 * 1024 * 1024);
  });

  it('leaves no gc() on the global scope', () => {
    createGarbagePacer(1).received(1);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it('counts the chunks of a paced stream as they are consumed, every byte once', async () => {
    const pacer = createGarbagePacer(1024 * 1024);
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024));
    let seen = 0;
    for await (const chunk of Readable.from(pacedChunks(Readable.from(chunks), pacer))) {
      seen += (chunk as Buffer).length;
    }
    expect(seen).toBe(40 * 64 * 1024);
    expect(pacer.collections).toBe(2);
  });
});
