import { parseHttpDate } from './parse-http-date.js';

/** What the server knows about the representation it is about to send. */
export interface Validators {
  /** A strong entity tag, quoted: `"abc"`. */
  etag: string;
  lastModified: Date;
}

export interface ConditionalHeaders {
  ifMatch?: string | undefined;
  ifUnmodifiedSince?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
}

/**
 * The outcome of a GET or HEAD's preconditions: go on (then `Range`/`If-Range`), answer 412
 * Precondition Failed, or answer 304 Not Modified.
 */
export type Precondition = 'proceed' | 'precondition_failed' | 'not_modified';

/** HTTP dates have one-second resolution; compare at that resolution. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The members of an entity-tag list (RFC 9110 §8.8.3); commas inside a quoted tag are kept. */
function tagsOf(list: string): string[] {
  return (list.match(/(?:W\/)?"[^"]*"|[^,\s]+/g) ?? []).filter((t) => t.length > 0);
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** §8.8.3.2 strong comparison: both tags strong and identical. */
const strongMatch = (tag: string, etag: string) => !tag.startsWith('W/') && tag === etag;
/** §8.8.3.2 weak comparison: identical once the weak markers are dropped. */
const weakMatch = (tag: string, etag: string) => opaque(tag) === opaque(etag);

/**
 * RFC 9110 §13.2.2 steps 1–4 for a GET or HEAD of a file that exists, in that order:
 * 1. `If-Match` (strong comparison, `*` matches) false → 412;
 * 2. otherwise a valid `If-Unmodified-Since` earlier than Last-Modified → 412 (an invalid date
 *    is ignored, §13.1.4);
 * 3. `If-None-Match` (weak comparison, `*` matches) true → 304;
 * 4. otherwise a valid `If-Modified-Since` not earlier than Last-Modified → 304 (an invalid date
 *    is ignored, §13.1.3).
 * Pure.
 */
export function evaluatePreconditions(headers: ConditionalHeaders, v: Validators): Precondition {
  const lastModified = seconds(v.lastModified);
  const ifMatch = headers.ifMatch?.trim();
  if (ifMatch) {
    if (ifMatch !== '*' && !tagsOf(ifMatch).some((tag) => strongMatch(tag, v.etag)))
      return 'precondition_failed';
  } else {
    const ius = headers.ifUnmodifiedSince?.trim();
    const since = ius ? parseHttpDate(ius) : null;
    if (since !== null && lastModified > since) return 'precondition_failed';
  }
  const inm = headers.ifNoneMatch?.trim();
  if (inm) {
    return inm === '*' || tagsOf(inm).some((tag) => weakMatch(tag, v.etag)) ? 'not_modified' : 'proceed';
  }
  const ims = headers.ifModifiedSince?.trim();
  const since = ims ? parseHttpDate(ims) : null;
  return since !== null && lastModified <= since ? 'not_modified' : 'proceed';
}

/**
 * RFC 9110 §13.1.5: a `Range` is honoured only when `If-Range` is absent or still matches: an
 * entity tag by strong comparison, or an HTTP-date (§5.6.7, nothing else) equal to Last-Modified.
 * Anything else — a weak tag, another tag, an ISO 8601 date — means "send the whole
 * representation". Pure.
 */
export function ifRangeAllows(ifRange: string | undefined, v: Validators): boolean {
  const value = ifRange?.trim();
  if (!value) return true;
  if (value.startsWith('"') || value.startsWith('W/')) return strongMatch(value, v.etag);
  return parseHttpDate(value) === seconds(v.lastModified);
}

/** An IMF-fixdate for `Last-Modified`. */
export function httpDate(date: Date): string {
  return new Date(seconds(date) * 1000).toUTCString();
}
