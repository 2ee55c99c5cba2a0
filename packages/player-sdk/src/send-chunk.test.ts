import { describe, expect, it } from 'vitest';
import { chooseChunkTransport, countingStream, parseXhrHeaders } from './send-chunk.js';

describe('chooseChunkTransport', () => {
  it('XHR in browsers, a counted stream in Node, the plain Blob with a caller-given fetch', () => {
    expect(chooseChunkTransport({ customFetch: false, hasXhr: true, isNode: false })).toBe('xhr');
    expect(chooseChunkTransport({ customFetch: false, hasXhr: false, isNode: true })).toBe('stream');
    expect(chooseChunkTransport({ customFetch: true, hasXhr: true, isNode: false })).toBe('blob');
    expect(chooseChunkTransport({ customFetch: true, hasXhr: false, isNode: true })).toBe('blob');
    expect(chooseChunkTransport({ customFetch: false, hasXhr: false, isNode: false })).toBe('blob');
  });
});

describe('countingStream', () => {
  it('yields the Blob’s bytes in pieces and reports the running total as each is pulled', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 256);
    const seen: number[] = [];
    const out = new Uint8Array(
      await new Response(countingStream(new Blob([bytes]), (n) => seen.push(n), 300)).arrayBuffer(),
    );
    expect(out).toEqual(bytes);
    expect(seen).toEqual([300, 600, 900, 1000]);
  });
});

describe('parseXhrHeaders', () => {
  it('reads getAllResponseHeaders() lines, values with colons included', () => {
    const h = parseXhrHeaders('upload-offset: 42\r\nlocation: http://x:1/v1/uploads/a\r\n');
    expect(h.get('Upload-Offset')).toBe('42');
    expect(h.get('location')).toBe('http://x:1/v1/uploads/a');
  });
});
