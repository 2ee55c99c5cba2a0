import { describe, expect, it } from 'vitest';
import { PartCollector } from './s3-multipart-write.js';

describe('PartCollector', () => {
  it('cuts any chunking into whole parts, in order, and drains the rest', () => {
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    for (const chunkSize of [1, 3, 10, 16, 40, 100]) {
      const collector = new PartCollector(16);
      const parts: Buffer[] = [];
      const into = Buffer.alloc(16);
      for (let at = 0; at < bytes.length; at += chunkSize) {
        if (!collector.push(bytes.subarray(at, at + chunkSize))) continue;
        while (collector.waiting >= 16) parts.push(Buffer.from(into.subarray(0, collector.take(into))));
      }
      expect(parts.every((p) => p.length === 16)).toBe(true);
      expect(collector.waiting).toBe(100 - parts.length * 16);
      const rest = collector.drain();
      expect(Buffer.concat([...parts, rest]).equals(bytes)).toBe(true);
      expect(collector.waiting).toBe(0);
    }
  });

  it('ignores empty chunks', () => {
    const collector = new PartCollector(4);
    expect(collector.push(Buffer.alloc(0))).toBe(false);
    expect(collector.drain().length).toBe(0);
  });
});
