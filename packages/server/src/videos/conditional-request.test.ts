import { describe, expect, it } from 'vitest';
import { evaluatePreconditions, httpDate, ifRangeAllows } from './conditional-request.js';

const v = { etag: '"abc"', lastModified: new Date('2025-01-02T03:04:05.678Z') };
const lm = httpDate(v.lastModified);
const before = 'Thu, 02 Jan 2025 03:04:04 GMT';
const after = 'Fri, 03 Jan 2025 00:00:00 GMT';

describe('conditional requests', () => {
  it('formats Last-Modified as an IMF-fixdate, to the second', () => {
    expect(lm).toBe('Thu, 02 Jan 2025 03:04:05 GMT');
  });

  it.each([
    // §13.1.1 If-Match: strong comparison, lists, *
    [{ ifMatch: '"abc"' }, 'proceed'],
    [{ ifMatch: '"x", "abc"' }, 'proceed'],
    [{ ifMatch: '"x","abc"' }, 'proceed'],
    [{ ifMatch: '*' }, 'proceed'],
    [{ ifMatch: 'W/"abc"' }, 'precondition_failed'],
    [{ ifMatch: '"x"' }, 'precondition_failed'],
    [{ ifMatch: '"abc' }, 'precondition_failed'],
    // §13.1.4 If-Unmodified-Since; an invalid date is ignored
    [{ ifUnmodifiedSince: lm }, 'proceed'],
    [{ ifUnmodifiedSince: after }, 'proceed'],
    [{ ifUnmodifiedSince: before }, 'precondition_failed'],
    [{ ifUnmodifiedSince: '2020-01-01T00:00:00Z' }, 'proceed'],
    // §13.2.2 step 2 runs only without If-Match
    [{ ifMatch: '"abc"', ifUnmodifiedSince: before }, 'proceed'],
    // both failing preconditions beat a matching If-None-Match (412 before 304)
    [{ ifMatch: '"x"', ifNoneMatch: '"abc"' }, 'precondition_failed'],
    [{ ifUnmodifiedSince: before, ifNoneMatch: '"abc"' }, 'precondition_failed'],
    // §13.1.2 If-None-Match: weak comparison
    [{ ifNoneMatch: '"abc"' }, 'not_modified'],
    [{ ifNoneMatch: 'W/"abc"' }, 'not_modified'],
    [{ ifNoneMatch: '"x", "abc"' }, 'not_modified'],
    [{ ifNoneMatch: '*' }, 'not_modified'],
    [{ ifNoneMatch: '"x"' }, 'proceed'],
    // §13.1.3 If-Modified-Since; an invalid date is ignored
    [{ ifModifiedSince: lm }, 'not_modified'],
    [{ ifModifiedSince: before }, 'proceed'],
    [{ ifModifiedSince: after }, 'not_modified'],
    [{ ifModifiedSince: '2030-01-01T00:00:00Z' }, 'proceed'],
    [{ ifModifiedSince: 'yesterday-ish' }, 'proceed'],
    [{ ifModifiedSince: '12345' }, 'proceed'],
    // If-None-Match wins over If-Modified-Since either way
    [{ ifNoneMatch: '"x"', ifModifiedSince: lm }, 'proceed'],
    [{ ifNoneMatch: '"abc"', ifModifiedSince: before }, 'not_modified'],
    [{}, 'proceed'],
  ] as const)('evaluatePreconditions(%j) is %s', (headers, expected) => {
    expect(evaluatePreconditions(headers, v)).toBe(expected);
  });

  it.each([
    [undefined, true],
    ['"abc"', true],
    ['W/"abc"', false], // If-Range uses strong comparison
    ['"other"', false],
    [lm, true],
    ['Thursday, 02-Jan-25 03:04:05 GMT', true],
    ['Thu Jan  2 03:04:05 2025', true],
    ['Thu, 02 Jan 2025 03:04:06 GMT', false],
    ['2025-01-02T03:04:05Z', false], // not an HTTP-date: false, never "close enough"
    ['garbage', false],
  ])('ifRangeAllows(%j) is %s', (ifRange, expected) => {
    expect(ifRangeAllows(ifRange, v)).toBe(expected);
  });
});
