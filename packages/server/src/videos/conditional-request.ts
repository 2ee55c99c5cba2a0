/** What the server knows about the representation it is about to send. */
export interface Validators {
  /** A strong entity tag, quoted: `"abc"`. */
  etag: string;
  lastModified: Date;
}

export interface ConditionalHeaders {
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  ifRange?: string | undefined;
}

/** HTTP dates have one-second resolution; compare at that resolution. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parseHttpDate(value: string): number | null {
  // Date.parse accepts IMF-fixdate, RFC 850 and asctime forms, and much more; a number is not a date.
  if (!/[a-z]/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

function tagsOf(list: string): string[] {
  return list
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * RFC 9110 §13.2.2 for a GET or HEAD of a file: `If-None-Match` (weak comparison) wins over
 * `If-Modified-Since`; either can answer 304. Pure.
 */
export function isNotModified(headers: ConditionalHeaders, v: Validators): boolean {
  const inm = headers.ifNoneMatch?.trim();
  if (inm) {
    if (inm === '*') return true;
    return tagsOf(inm).some((tag) => opaque(tag) === opaque(v.etag));
  }
  const ims = headers.ifModifiedSince?.trim();
  if (ims) {
    const since = parseHttpDate(ims);
    return since !== null && seconds(v.lastModified) <= since;
  }
  return false;
}

/**
 * RFC 9110 §13.1.5: a `Range` is honoured only when `If-Range` is absent or still matches: an
 * entity tag by strong comparison, or a date equal to Last-Modified. Anything else means "send the
 * whole representation". Pure.
 */
export function ifRangeAllows(ifRange: string | undefined, v: Validators): boolean {
  const value = ifRange?.trim();
  if (!value) return true;
  if (value.startsWith('"') || value.startsWith('W/')) return !value.startsWith('W/') && value === v.etag;
  const date = parseHttpDate(value);
  return date !== null && date === seconds(v.lastModified);
}

/** An IMF-fixdate for `Last-Modified`. */
export function httpDate(date: Date): string {
  return new Date(seconds(date) * 1000).toUTCString();
}
