import { read } from 'node:fs';
import type { Writable } from 'node:stream';
import type { BufferPool } from './buffer-pool.js';
import type { ByteRange } from './storage.js';

/**
 * Writes bytes `range.start..range.end` (inclusive) of an open file to `out`, then ends it. One
 * pooled buffer per step: read into it, write it, and take it back in the write's callback, once
 * the socket no longer needs it; the callback also paces the reads to the reader. Resolves when
 * `out` has finished, or as soon as it closes early (the client went away). If the file ends
 * before the range does, or a read fails, `out` is destroyed — its headers promised a length —
 * and the promise rejects with the cause (`out` itself emits no 'error').
 */
export function writeRange(fd: number, range: ByteRange, out: Writable, pool: BufferPool): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let position = range.start;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onClose = () => settle();
    out.on('close', onClose);

    const fail = (err: Error) => {
      // Destroyed without the error: it is the caller's (through the promise), and an 'error'
      // event nobody listens to would crash the process.
      out.destroy();
      settle(err);
    };

    const step = () => {
      if (settled) return;
      if (out.destroyed) return settle();
      if (position > range.end) {
        out.end(() => settle());
        return;
      }
      const buffer = pool.take();
      const length = Math.min(buffer.length, range.end - position + 1);
      read(fd, buffer, 0, length, position, (err, got) => {
        if (err || got === 0) {
          pool.give(buffer);
          fail(err ?? new Error(`the file ended at byte ${position}, before byte ${range.end}`));
          return;
        }
        position += got;
        const chunk = got === buffer.length ? buffer : buffer.subarray(0, got);
        if (position > range.end) {
          // The last chunk — for a segment, usually the only one: ending with it sends the headers,
          // the bytes and the end in one write instead of a write, a callback and an empty end.
          out.end(chunk, () => {
            pool.give(buffer);
            settle();
          });
          return;
        }
        out.write(chunk, (writeErr) => {
          pool.give(buffer);
          if (writeErr) settle();
          else step();
        });
      });
    };
    step();
  });
}
