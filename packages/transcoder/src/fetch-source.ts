import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { pacedChunks, StorageObjectNotFoundError, type Storage } from '@reelkit/storage';
import { jobGarbage } from './job-garbage.js';

/**
 * Copies a stored object to a local file (the job's scratch folder) for ffprobe and ffmpeg,
 * streamed with backpressure. Rejects with the driver's error: `code` ENOENT for a missing
 * object, a StorageUnavailableError when the store is down.
 *
 * Drivers that can open objects for serving (`openReader`: both of ours) send the bytes from
 * pooled buffers straight into the file — the S3 driver reads the store's answer into them — so a
 * long source makes no garbage at all; otherwise the read stream's chunks are paced garbage
 * (`pacedChunks`, a scavenge every `JOB_GARBAGE_BYTES`), so they do not pile up as the worker's RSS.
 */
export async function fetchSource(
  storage: Storage,
  key: string,
  path: string,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  if (!storage.openReader) {
    await pipeline(
      pacedChunks(storage.read(key), jobGarbage),
      createWriteStream(path),
      signal ? { signal } : {},
    );
    return;
  }
  const reader = await storage.openReader(key);
  if (!reader) throw new StorageObjectNotFoundError(key);
  const file = createWriteStream(path);
  // `send` resolves when the file closes, early or not: its error, an abort or a short count is
  // what tells the difference.
  let failure: unknown;
  file.on('error', (err) => (failure ??= err));
  const onAbort = () => file.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (reader.size === 0) {
      reader.release();
      file.end();
      await once(file, 'close');
    } else {
      await reader.send({ start: 0, end: reader.size - 1 }, file);
      if (!file.closed) await once(file, 'close');
    }
  } catch (err) {
    failure ??= err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  signal?.throwIfAborted();
  if (failure !== undefined) throw failure;
  if (file.bytesWritten !== reader.size)
    throw new Error(`${key}: wrote ${file.bytesWritten} of ${reader.size} bytes to the scratch folder`);
}
