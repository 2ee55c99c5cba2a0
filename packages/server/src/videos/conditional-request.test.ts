import { describe, expect, it } from 'vitest';
import { httpDate, ifRangeAllows, isNotModified } from './conditional-request.js';

const v = { etag: '"abc"', lastModified: new Date('2025-01-02T03:04:05.678Z') };
const lm = httpDate(v.lastModified);

describe('conditional requests', () => {
  it('formats Last-Modified as an IMF-fixdate, to the second', () => {
    expect(lm).toBe('Thu, 02 Jan 2025 03:04:05 GMT');
  });

  it.each([
    [{ ifNoneMatch: '"abc"' }, true],
    [{ ifNoneMatch: 'W/"abc"' }, true], // weak comparison
    [{ ifNoneMatch: '"x", "abc"' }, true],
    [{ ifNoneMatch: '*' }, true],
    [{ ifNoneMatch: '"x"' }, false],
    [{ ifModifiedSince: lm }, true],
    [{ ifModifiedSince: 'Thu, 02 Jan 2025 03:04:04 GMT' }, false],
    [{ ifModifiedSince: 'Fri, 03 Jan 2025 00:00:00 GMT' }, true],
    [{ ifModifiedSince: 'yesterday-ish' }, false],
    [{ ifModifiedSince: '12345' }, false],
    // If-None-Match wins over If-Modified-Since
    [{ ifNoneMatch: '"x"', ifModifiedSince: lm }, false],
    [{}, false],
  ])('isNotModified(%j) is %s', (headers, expected) => {
    expect(isNotModified(headers, v)).toBe(expected);
  });

  it.each([
    [undefined, true],
    ['"abc"', true],
    ['W/"abc"', false], // If-Range uses strong comparison
    ['"other"', false],
    [lm, true],
    ['Thu, 02 Jan 2025 03:04:06 GMT', false],
    ['garbage', false],
  ])('ifRangeAllows(%j) is %s', (ifRange, expected) => {
    expect(ifRangeAllows(ifRange, v)).toBe(expected);
  });
});
