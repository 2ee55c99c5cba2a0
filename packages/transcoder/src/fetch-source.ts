import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { pacedChunks, type Storage } from '@reelkit/storage';

/**
 * Copies a stored object to a local file (the job's scratch folder) for ffprobe and ffmpeg,
 * streamed with backpressure. Rejects with the driver's error: `code` ENOENT for a missing
 * object, a StorageUnavailableError when the store is down. The chunks are paced garbage
 * (`pacedChunks`): a long source does not pile up as the worker's RSS.
 */
export async function fetchSource(
  storage: Storage,
  key: string,
  path: string,
  signal?: AbortSignal,
): Promise<void> {
  await pipeline(pacedChunks(storage.read(key)), createWriteStream(path), signal ? { signal } : {});
}
