import type { StoredFile } from './video-model.js';

/**
 * What `/file` serves for a video, remembered for a couple of seconds per process. A player reads
 * a file as many range requests in a row; without this each one costs a database round trip, which
 * on FerretDB/SQLite is most of the request. Staleness is bounded by `ttlMs`: after a delete or a
 * new rendition another instance may serve the old answer for that long (this instance forgets at
 * once: the routes call `forget`).
 */
export function createFileCache(options: { ttlMs?: number; max?: number; now?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? 2_000;
  const max = options.max ?? 5_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { file: StoredFile | null; until: number }>();
  return {
    async get(key: string, load: () => Promise<StoredFile | null>): Promise<StoredFile | null> {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.file;
      const file = await load();
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { file, until: now() + ttlMs });
      return file;
    },
    forget(key: string): void {
      entries.delete(key);
    },
  };
}

export type FileCache = ReturnType<typeof createFileCache>;
