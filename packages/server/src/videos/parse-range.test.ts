import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RANGES, parseRange } from './parse-range.js';

const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });

describe('parseRange', () => {
  // RFC 9110 §14.1.2 examples, for a representation of 10000 bytes.
  it.each([
    ['bytes=0-499', partial(0, 499)],
    ['bytes=500-999', partial(500, 999)],
    ['bytes=-500', partial(9500, 9999)],
    ['bytes=9500-', partial(9500, 9999)],
    ['bytes=0-0,-1', { kind: 'full' }], // first and last byte: two disjoint ranges
    ['bytes= 0-999, 4500-5499, -1000', { kind: 'full' }],
    ['bytes=500-600,601-999', partial(500, 999)], // adjacent: coalesced
    ['bytes=500-700,601-999', partial(500, 999)], // overlapping: coalesced
  ])('matches the RFC 9110 example %s', (header, expected) => {
    expect(parseRange(header, 10_000)).toEqual(expected);
  });

  it.each([
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=10000-', 10_000, { kind: 'unsatisfiable' }],
    ['bytes=10000-20000', 10_000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 10_000, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=-20000', 10_000, partial(0, 9999)],
    ['bytes=9000-99999999999999999999999', 10_000, partial(9000, 9999)],
    ['BYTES=1-2', 10_000, partial(1, 2)],
    ['bytes=1-2,,', 10_000, partial(1, 2)],
    ['bytes=20000-,5-9', 10_000, partial(5, 9)], // unsatisfiable members are dropped
  ])('%s on %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it.each([
    undefined,
    '',
    'bytes',
    'bytes=',
    'bytes=-',
    'items=0-1',
    'bytes=5-1',
    'bytes=a-b',
    'bytes=1-2-3',
    'bytes=0x1-2',
    'bytes=+1-2',
    'bytes=1.5-2',
  ])('treats %j as no range (whole body)', (header) => {
    expect(parseRange(header, 10_000)).toEqual({ kind: 'full' });
  });

  it('ignores a header with too many ranges', () => {
    const header = 'bytes=' + Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i}-${i}`).join(',');
    expect(parseRange(header, 10_000)).toEqual({ kind: 'full' });
  });

  it('never throws and never leaves [0, size) for any header', () => {
    const spec = fc.oneof(
      fc
        .tuple(
          fc.option(fc.nat({ max: 3000 }), { nil: undefined }),
          fc.option(fc.nat({ max: 3000 }), { nil: undefined }),
        )
        .map(([a, b]) => `${a ?? ''}-${b ?? ''}`),
      fc.string({ maxLength: 12 }),
    );
    const header = fc.oneof(
      fc.array(spec, { minLength: 0, maxLength: 6 }).map((s) => `bytes=${s.join(',')}`),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(header, fc.nat({ max: 2500 }), (h, size) => {
        const d = parseRange(h, size);
        if (d.kind === 'partial') {
          expect(d.range.start).toBeGreaterThanOrEqual(0);
          expect(d.range.start).toBeLessThanOrEqual(d.range.end);
          expect(d.range.end).toBeLessThan(size);
          expect(Number.isSafeInteger(d.range.start) && Number.isSafeInteger(d.range.end)).toBe(true);
        }
        if (size === 0) expect(d.kind).not.toBe('partial');
      }),
      { numRuns: 2000 },
    );
  });

  it('a single well-formed first-last range selects exactly the clamped bytes', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), (a, len, size) => {
        const b = a + len;
        const d = parseRange(`bytes=${a}-${b}`, size);
        if (a >= size) expect(d).toEqual({ kind: 'unsatisfiable' });
        else expect(d).toEqual(partial(a, Math.min(b, size - 1)));
      }),
    );
  });

  it('a suffix range selects the last min(n, size) bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (n, size) => {
        expect(parseRange(`bytes=-${n}`, size)).toEqual(partial(Math.max(0, size - n), size - 1));
      }),
    );
  });
});
