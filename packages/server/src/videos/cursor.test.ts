import fc from 'fast-check';
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, escapeRegExp } from './cursor.js';

describe('page cursors', () => {
  it('round-trip any ObjectId and are opaque base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const id = new Types.ObjectId(Buffer.from(bytes).toString('hex'));
        const cursor = encodeCursor(id);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]{16}$/);
        expect(decodeCursor(cursor).equals(id)).toBe(true);
      }),
    );
  });

  it.each(['', 'abc', '!!!!!!!!!!!!!!!!', 'a'.repeat(17)])('rejects %j with validation_failed', (c) => {
    expect(() => decodeCursor(c)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});

describe('escapeRegExp', () => {
  it('makes any string match itself literally', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(new RegExp(`^${escapeRegExp(s)}$`, 'i').test(s)).toBe(true);
      }),
    );
  });
});
