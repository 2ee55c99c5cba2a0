/** An inclusive byte range inside a representation: `0 <= start <= end < size`. */
export interface SatisfiableRange {
  start: number;
  end: number;
}

/**
 * What to do with a `Range` header (RFC 9110 §14):
 * - `full`: no usable header (absent, malformed, another unit, several disjoint ranges) → 200 with the whole body;
 * - `partial`: one range (several overlapping or adjacent ones are coalesced) → 206;
 * - `unsatisfiable`: syntactically fine but no range starts inside the representation → 416.
 */
export type RangeDecision =
  { kind: 'full' } | { kind: 'partial'; range: SatisfiableRange } | { kind: 'unsatisfiable' };

/** More ranges than this in one header are ignored (whole body), so a header never costs unbounded work. */
export const MAX_RANGES = 64;
const MAX_HEADER_LENGTH = 4096;

const FULL: RangeDecision = { kind: 'full' };
const SPEC = /^(\d*)[ \t]*-[ \t]*(\d*)$/;

/** Parses a `Range` header against a representation of `size` bytes. Pure; never throws. */
export function parseRange(header: string | undefined | null, size: number): RangeDecision {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return FULL;
  if (!Number.isSafeInteger(size) || size < 0) return FULL;
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return FULL;

  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0); // RFC 9110 §5.6.1: empty list elements are ignored
  if (specs.length === 0 || specs.length > MAX_RANGES) return FULL;

  const satisfiable: SatisfiableRange[] = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (!m) return FULL;
    const [, first = '', last = ''] = m;
    if (first === '' && last === '') return FULL;
    if (first === '') {
      // suffix-range: the last N bytes; N = 0 selects nothing
      const n = Number(last);
      if (n > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? Infinity : Number(last);
    if (end < start) return FULL; // invalid range-spec: ignore the whole header
    if (start < size) satisfiable.push({ start, end: Math.min(end, size - 1) });
  }
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };

  const merged = coalesce(satisfiable);
  // Several disjoint ranges would need multipart/byteranges; the whole body is a valid answer.
  return merged.length === 1 && merged[0] ? { kind: 'partial', range: merged[0] } : FULL;
}

/** Merges overlapping and adjacent ranges. */
function coalesce(ranges: SatisfiableRange[]): SatisfiableRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: SatisfiableRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** `Content-Range` of a 206. */
export function contentRange(range: SatisfiableRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** `Content-Range` of a 416. */
export function unsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}
