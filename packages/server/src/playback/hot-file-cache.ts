import type { Storage } from '@reelkit/storage';
import { storedFileFromStat } from '../videos/stored-file.js';
import type { StoredFile } from '../videos/video-model.js';

/** A small delivered file held whole in memory, with what its answer needs to say about it. */
export interface HotFile {
  file: StoredFile;
  body: Buffer;
  /** When its size and date were last confirmed against storage (ms, the cache's clock). */
  checkedAt: number;
  /** When it was last used, in uses of the cache (its recency, for the LRU). */
  usedAt: number;
}

export interface HotFileCacheOptions {
  storage: Storage;
  /** Memory for file bodies; the least recently used go first. 0 disables the cache. */
  maxBytes: number;
  /** Larger files are never held (they are read through the pooled path instead). */
  maxFileBytes?: number;
  /**
   * How long an entry is served without asking storage whether the file changed. Bounds how long a
   * file replaced or deleted (a re-transcode, a deleted video) may still be served from memory —
   * the same bound as the shared descriptors of the local driver.
   */
  revalidateMs?: number;
  now?: () => number;
}

export interface HotFileCache {
  /**
   * The entry for `key` when it was confirmed less than `revalidateMs` ago (no I/O on the caller's
   * path). Past 80 % of that age it also starts one re-check in the background, so a file read all
   * the time is re-confirmed before its bound runs out and no request has to wait for a `stat`.
   */
  fresh(key: string): HotFile | undefined;
  /**
   * The entry for `key`, confirmed or loaded now; `null` when the file is missing, too large to
   * hold, or changed while being read — the caller then serves it the ordinary way.
   */
  load(key: string, mimeType: string): Promise<HotFile | null>;
  /** Bytes of the bodies held. */
  readonly bytes: number;
}

/**
 * Segments, init segments, variant playlists, posters and storyboards are written once and renamed
 * into place, then read by every viewer: holding the hot ones in memory makes a delivery a socket
 * write of bytes already there — no open, `fstat` or `read` per request, the part of nginx's speed
 * that is its page cache plus `sendfile`. Bounded by a byte budget (LRU); an entry is re-checked
 * with one `stat` once per `revalidateMs`, so a changed file is re-read and a deleted one dropped.
 * A file in use is re-checked in the background from 80 % of that age on (`entryAge`): under load
 * the `stat` waits in libuv's thread pool behind other work, and every request for the file would
 * otherwise wait with it once a second (the p99 of a busy server). Starting at 80 % keeps the
 * `stat`s at 1.25 per file and bound (starting at half doubled them, which a profile under load
 * showed at 4 % of the process) and leaves the check 200 ms of a 1 s bound to finish. Concurrent
 * misses of one file share one read.
 */
/** The part of the bound after which a held file in use is re-checked in the background. */
export const RECHECK_AT = 0.8;

/**
 * Where an entry confirmed at `checkedAt` stands at `now`: served as it is (`fresh`), served while a
 * re-check runs in the background (`recheck`, from `RECHECK_AT` of the bound on), or not served until
 * confirmed (`stale`). The bound itself is never stretched: the background check only starts earlier.
 */
export function entryAge(
  checkedAt: number,
  now: number,
  revalidateMs: number,
): 'fresh' | 'recheck' | 'stale' {
  const age = now - checkedAt;
  if (age >= revalidateMs) return 'stale';
  return age >= revalidateMs * RECHECK_AT ? 'recheck' : 'fresh';
}

export function createHotFileCache(options: HotFileCacheOptions): HotFileCache {
  const { storage, maxBytes } = options;
  const maxFileBytes = Math.min(options.maxFileBytes ?? 4 * 1024 * 1024, maxBytes);
  const revalidateMs = options.revalidateMs ?? 1_000;
  const now = options.now ?? Date.now;
  /**
   * Recency is a stamp on the entry (`usedAt`), not the Map's order: moving a hit to the end
   * (delete + set) cost two more lookups per request; the least recently used is found by a scan
   * when the budget is exceeded, which only happens while loading a file (after I/O anyway).
   */
  const entries = new Map<string, HotFile>();
  let uses = 0;
  /** Files found too large, so that they cost one `stat` per `revalidateMs`, not one per request. */
  const tooLarge = new Map<string, number>();
  const loading = new Map<string, Promise<HotFile | null>>();
  let bytes = 0;

  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.body.length;
  };

  const leastRecentlyUsed = (): string => {
    let oldest: string | undefined;
    let oldestAt = Infinity;
    for (const [key, entry] of entries)
      if (entry.usedAt < oldestAt) {
        oldest = key;
        oldestAt = entry.usedAt;
      }
    return oldest!;
  };

  const keep = (key: string, entry: HotFile) => {
    drop(key);
    while (bytes + entry.body.length > maxBytes && entries.size > 0) drop(leastRecentlyUsed());
    entry.usedAt = ++uses;
    entries.set(key, entry);
    bytes += entry.body.length;
  };

  async function readWhole(key: string, size: number): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let got = 0;
    for await (const chunk of storage.read(key, size > 0 ? { start: 0, end: size - 1 } : undefined)) {
      chunks.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got > size) return null;
    }
    return got === size ? Buffer.concat(chunks, size) : null;
  }

  async function confirmOrRead(key: string, mimeType: string): Promise<HotFile | null> {
    const checkedAt = now();
    const stat = await storage.stat(key);
    if (!stat) {
      drop(key);
      return null;
    }
    const held = entries.get(key);
    if (held && held.file.size === stat.size && held.file.lastModified.getTime() === stat.mtime.getTime()) {
      held.checkedAt = checkedAt;
      keep(key, held);
      return held;
    }
    drop(key);
    if (stat.size > maxFileBytes) {
      if (tooLarge.size >= 10_000) tooLarge.delete(tooLarge.keys().next().value!);
      tooLarge.set(key, checkedAt);
      return null;
    }
    const body = await readWhole(key, stat.size);
    // Replaced while being read: serve it the ordinary way this once, read it again next time.
    if (!body) return null;
    const entry: HotFile = { file: storedFileFromStat(stat, mimeType), body, checkedAt, usedAt: 0 };
    keep(key, entry);
    return entry;
  }

  const cache: HotFileCache = {
    fresh(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      const age = entryAge(entry.checkedAt, now(), revalidateMs);
      if (age === 'stale') return undefined;
      if (age === 'recheck' && !loading.has(key))
        // A failed check is not this request's business: the entry goes stale at its bound and
        // the next request then asks storage itself.
        cache.load(key, entry.file.mimeType).catch(() => undefined);
      entry.usedAt = ++uses;
      return entry;
    },
    load(key, mimeType) {
      if (maxBytes <= 0) return Promise.resolve(null);
      const large = tooLarge.get(key);
      if (large !== undefined) {
        if (now() - large < revalidateMs) return Promise.resolve(null);
        tooLarge.delete(key);
      }
      let pending = loading.get(key);
      if (!pending) {
        pending = confirmOrRead(key, mimeType).finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      return pending;
    },
    get bytes() {
      return bytes;
    },
  };
  return cache;
}
