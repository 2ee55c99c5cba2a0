import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { etagOf } from '../videos/stored-file.js';

const gzipAsync = promisify(gzip);

/** One version of a static file as it is sent: the bytes plain and gzipped, and its validators. */
export interface BundleBodies {
  /** The plain file's ETag (`etagOf` its stat); the gzip variant's is {@link gzipEtag} of it. */
  etag: string;
  lastModified: Date;
  plain: Buffer;
  gzip: Buffer;
}

/** The ETag of the gzip variant of a representation whose ETag is `etag` (a strong validator each). */
export function gzipEtag(etag: string): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-gz"` : `${etag}-gz`;
}

/**
 * Whether an `Accept-Encoding` value accepts gzip (RFC 9110 §12.5.3): listed as `gzip`, `x-gzip` or
 * `*` with a q-value above 0. An explicit `gzip;q=0` refuses it even when `*` would allow it.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (name === 'gzip' || name === 'x-gzip') return allowed;
    if (name === '*') star = allowed;
  }
  return star;
}

/**
 * The element's script (`/embed/reelkit-player.js`, ~650 KB minified, ~200 KB gzipped) held in
 * memory, plain and gzipped once per version: every embedding page loads it before its player can
 * start, so it is sent in one write instead of streamed from disk in 64 KiB reads that each wait
 * for libuv's thread pool, and compressed for the network it crosses. One `stat` per request
 * notices a rebuilt bundle; `undefined` while the file is missing.
 */
export function createBundleBodies(file: string): { get(): Promise<BundleBodies | undefined> } {
  let held: { etag: string; bodies: Promise<BundleBodies> } | undefined;
  return {
    async get() {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        held = undefined;
        return undefined;
      }
      const etag = etagOf(info);
      if (held?.etag !== etag) {
        const bodies = (async () => {
          const plain = await readFile(file);
          const zipped = await gzipAsync(plain, { level: constants.Z_BEST_COMPRESSION });
          return { etag, lastModified: info.mtime, plain, gzip: zipped };
        })();
        held = { etag, bodies };
        // A failed read is not kept: the next request tries again.
        bodies.catch(() => {
          if (held?.bodies === bodies) held = undefined;
        });
      }
      return held.bodies;
    },
  };
}
