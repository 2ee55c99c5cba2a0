import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptsGzip, createBundleBodies, gzipEtag } from './bundle-bodies.js';

describe('acceptsGzip', () => {
  it('accepts gzip when listed or allowed by *, and not when refused with q=0 or not listed', () => {
    expect(acceptsGzip('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true);
    expect(acceptsGzip('x-gzip')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('GZip')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('br, deflate')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*, gzip;q=0')).toBe(false);
    expect(acceptsGzip('*;q=0')).toBe(false);
  });

  it('gives the gzip variant an ETag of its own', () => {
    expect(gzipEtag('"6a-1f"')).toBe('"6a-1f-gz"');
    expect(gzipEtag('"6a-1f"')).not.toBe('"6a-1f"');
  });
});

describe('bundle bodies', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelkit-bundle-'));
    file = join(dir, 'bundle.js');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('holds the file plain and gzipped, re-reads it once rebuilt, and says when it is missing', async () => {
    const bodies = createBundleBodies(file);
    expect(await bodies.get()).toBeUndefined();
    const first = 'console.log("first build");\n'.repeat(50);
    await writeFile(file, first);
    await utimes(file, 1_700_000_000, 1_700_000_000);
    const a = await bodies.get();
    expect(a?.plain.toString()).toBe(first);
    expect(gunzipSync(a!.gzip).toString()).toBe(first);
    expect(a!.gzip.length).toBeLessThan(a!.plain.length);
    expect(a?.etag).toBe(`"${(1_700_000_000).toString(16)}-${first.length.toString(16)}"`);
    expect(await bodies.get()).toBe(a); // the same version is not read again

    const second = 'console.log("second");\n';
    await writeFile(file, second);
    await utimes(file, 1_700_000_100, 1_700_000_100);
    const b = await bodies.get();
    expect(b?.plain.toString()).toBe(second);
    expect(gunzipSync(b!.gzip).toString()).toBe(second);
    expect(b?.etag).not.toBe(a?.etag);

    await unlink(file);
    expect(await bodies.get()).toBeUndefined();
  });
});
