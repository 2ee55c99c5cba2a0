import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('hands back the buffers it was given, up to `keep`', () => {
    const pool = new BufferPool(1024, 2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    expect(a.length).toBe(1024);
    expect(new Set([a, b, c]).size).toBe(3);
    pool.give(a);
    pool.give(b);
    pool.give(c); // beyond `keep`: left to the GC
    expect(pool.idle).toBe(2);
    const again = [pool.take(), pool.take()];
    expect(again).toContain(a);
    expect(again).toContain(b);
    expect(pool.take()).not.toBe(c);
  });

  it('refuses buffers of another size and a buffer given twice', () => {
    const pool = new BufferPool(1024, 4);
    pool.give(Buffer.alloc(10));
    expect(pool.idle).toBe(0);
    const a = pool.take();
    pool.give(a);
    pool.give(a);
    expect(pool.idle).toBe(1);
  });
});
