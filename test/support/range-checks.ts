import { expect } from 'vitest';

/**
 * Four ranges of `url` (the first byte, an early run, the last 100 bytes, a middle third) answer 206
 * with the right `Content-Range` and exactly those bytes of `bytes`: what a delivery path must do
 * however it sends the file (Reelkit itself, nginx from a folder, nginx from a bucket).
 */
export async function expectByteExactRanges(url: string, bytes: Buffer, label: string): Promise<void> {
  for (const [start, end] of [
    [0, 0],
    [1, 1000],
    [bytes.length - 100, bytes.length - 1],
    [Math.floor(bytes.length / 3), Math.floor(bytes.length / 2)],
  ] as const) {
    const res = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
    expect(res.status, `${label} ${start}-${end}`).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
  }
}
