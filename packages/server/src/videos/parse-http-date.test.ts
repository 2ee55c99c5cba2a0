import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpDate } from './parse-http-date.js';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;
const NOW_2026 = Date.UTC(2026, 10, 30) / 1000;

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT'], // IMF-fixdate
    ['Sunday, 06-Nov-94 08:49:37 GMT'], // obsolete RFC 850
    ['Sun Nov  6 08:49:37 1994'], // asctime
  ])('reads %s', (value) => {
    expect(parseHttpDate(value, NOW_2026)).toBe(NOV_6_1994);
  });

  it('puts a two-digit year more than 50 years ahead in the past century', () => {
    expect(parseHttpDate('Tuesday, 01-Jan-80 00:00:00 GMT', NOW_2026)).toBe(Date.UTC(1980, 0, 1) / 1000);
    expect(parseHttpDate('Thursday, 01-Jan-70 00:00:00 GMT', NOW_2026)).toBe(Date.UTC(2070, 0, 1) / 1000);
    expect(parseHttpDate('Monday, 01-Jan-46 00:00:00 GMT', NOW_2026)).toBe(Date.UTC(2046, 0, 1) / 1000);
  });

  it.each([
    '2026-11-30T10:38:34Z',
    '2026-11-30',
    '1732963114',
    'Sun, 06 Nov 1994 08:49:37 +0000',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'sun, 06 nov 1994 08:49:37 gmt',
    ' Sun, 06 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994',
    'yesterday',
    '',
  ])('refuses %j', (value) => {
    expect(parseHttpDate(value, NOW_2026)).toBeNull();
  });

  it('reads back every IMF-fixdate that Date#toUTCString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799 }), (seconds) => {
        expect(parseHttpDate(new Date(seconds * 1000).toUTCString())).toBe(seconds);
      }),
    );
  });
});
