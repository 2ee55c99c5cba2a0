// Publishing a finished job: every output file of the scratch folder goes through Storage.write.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pacedChunks, type Storage } from '@reelkit/storage';
import { jobGarbage } from './job-garbage.js';

/**
 * The order outputs are published in, as batches: media first (segments, init segments, the MP4,
 * poster, storyboard), then every rung's playlist, the master playlist last. A player reaches a
 * video through its master playlist, which names the rung playlists, which name the segments, so
 * in this order nothing is ever named before it exists.
 */
export function planPublish(paths: readonly string[], masterPath: string): string[][] {
  const playlist = (p: string) => p.endsWith('.m3u8');
  return [
    paths.filter((p) => !playlist(p)),
    paths.filter((p) => playlist(p) && p !== masterPath),
    paths.filter((p) => p === masterPath),
  ].filter((batch) => batch.length > 0);
}

/**
 * Files below the given entries of a folder (each a file or a folder), `/`-separated and sorted,
 * with their sizes.
 */
async function listFiles(dir: string, entries: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (path: string): Promise<void> => {
    const found = await stat(join(dir, path));
    if (found.isFile()) return void out.set(path, found.size);
    for (const name of await readdir(join(dir, path))) await walk(`${path}/${name}`);
  };
  for (const entry of entries) await walk(entry);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Runs `task` over `items`, at most `limit` at a time. After a failure no new task starts, and
 * this rejects with the first failure once the running ones have settled, so that the caller's
 * clean-up never races a write still under way.
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.err;
}

/**
 * A batch's files as two queues that run side by side: the many small ones (segments, playlists,
 * poster: one request each on S3, their time the round trip) `concurrency` at a time, and those of
 * a multipart upload's size or more (the MP4) two at a time, as each holds part buffers.
 */
export function splitBySize(
  batch: readonly string[],
  sizes: ReadonlyMap<string, number>,
  largeBytes: number,
): { small: string[]; large: string[] } {
  const large = batch.filter((p) => (sizes.get(p) ?? 0) >= largeBytes);
  return { small: batch.filter((p) => !large.includes(p)), large };
}

/** A file this size or larger is sent as a multipart upload on S3 (the driver's part size). */
const LARGE_FILE_BYTES = 8 * 1024 * 1024;
/** Large files published at once. */
const LARGE_CONCURRENCY = 2;

/** Removes the given output entries (files or folders) of a video folder. Missing ones are fine. */
export async function removeOutputs(storage: Storage, folderKey: string, entries: readonly string[]) {
  await Promise.all(entries.map((entry) => storage.deletePrefix(`${folderKey}/${entry}`)));
}

/**
 * `entries` with `folder` spared: an entry that holds it is replaced by its children in `workDir`,
 * and `folder` itself by its files, so that removing and publishing the entries touches only the
 * files this job wrote in `folder`, never the folder as a whole (`hls/subs` also holds captions
 * uploaded through the API, which a transcode must keep).
 */
export async function spareFolder(
  workDir: string,
  entries: readonly string[],
  folder: string,
): Promise<string[]> {
  const out: string[] = [];
  const children = async (path: string) => {
    const names = await readdir(join(workDir, path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    return names.sort().map((name) => `${path}/${name}`);
  };
  const expand = async (entry: string): Promise<void> => {
    if (entry === folder) out.push(...(await children(entry)));
    else if (!folder.startsWith(`${entry}/`)) out.push(entry);
    else for (const child of await children(entry)) await expand(child);
  };
  for (const entry of entries) await expand(entry);
  return out;
}

export interface PublishOptions {
  storage: Storage;
  /** The scratch folder ffmpeg wrote into. */
  workDir: string;
  /** The video's folder key, `<orgId>/<videoId>`. */
  folderKey: string;
  /** Top-level output entries (files or folders) of `workDir` to publish. */
  entries: readonly string[];
  masterPath: string;
  signal: AbortSignal;
  /**
   * Small files (under 8 MiB) uploaded at once. Most outputs are small (segments, playlists): on S3
   * each is one `PUT` whose time is the store's round trip, not the bytes, so many overlap; files
   * of 8 MiB or more go two at a time beside them. @defaultValue 16
   */
  concurrency?: number;
}

/**
 * Publishes a finished job through Storage in {@link planPublish}'s order. A half-published job
 * stays invisible: the video becomes playable only when the server applies the job's result,
 * which is returned after this resolves, and until the master playlist is written last nothing
 * names the files. It is also cleaned up: whatever an earlier attempt left (a worker killed while
 * publishing) is removed before publishing, so the retry's ladder never mixes with it, and a
 * failure or an abort while publishing removes what this attempt wrote. A job never retried (its
 * video deleted) leaves its leftovers to the server's delete of the whole video folder.
 */
export async function publishOutputs(options: PublishOptions): Promise<void> {
  const { storage, workDir, folderKey, entries, signal } = options;
  const files = await listFiles(workDir, entries);
  await removeOutputs(storage, folderKey, entries);
  const publish = async (path: string) => {
    signal.throwIfAborted();
    // Every chunk read is garbage once written; paced, a long video's ladder does not pile up
    // as the worker's RSS (Node 24 leaves such garbage to a late full GC).
    const body = Readable.from(pacedChunks(createReadStream(join(workDir, path)), jobGarbage));
    await storage.write(`${folderKey}/${path}`, body, { signal });
  };
  try {
    for (const batch of planPublish([...files.keys()], options.masterPath)) {
      const { small, large } = splitBySize(batch, files, LARGE_FILE_BYTES);
      const results = await Promise.allSettled([
        eachLimited(small, options.concurrency ?? 16, publish),
        eachLimited(large, LARGE_CONCURRENCY, publish),
      ]);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
    }
    signal.throwIfAborted();
  } catch (err) {
    await removeOutputs(storage, folderKey, entries).catch(() => undefined);
    throw err;
  }
}
