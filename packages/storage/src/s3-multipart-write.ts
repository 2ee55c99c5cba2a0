import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { BufferPool } from './buffer-pool.js';

export interface MultipartWriteOptions {
  /** Bytes per part (≥ 5 MiB, S3's minimum for every part but the last). */
  partSize: number;
  /** Parts sent at once. */
  queueSize: number;
  /** Where part buffers come from and go back to, so a write allocates no buffer per part. */
  pool: BufferPool;
  signal?: AbortSignal | undefined;
  /**
   * Writes an object smaller than one part in one request (the driver's own signed PUT); unset,
   * the SDK's `PutObject`.
   */
  putWhole?: ((body: Buffer, signal: AbortSignal) => Promise<void>) | undefined;
}

/**
 * Collects a byte stream into `partSize` parts: incoming chunks are kept as they are until a part's
 * worth has arrived, then copied into one buffer from the pool. Pure bookkeeping; no I/O.
 */
export class PartCollector {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly partSize: number) {}

  /** Takes a chunk; true once a whole part is waiting. */
  push(chunk: Buffer): boolean {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
    return this.bytes >= this.partSize;
  }

  get waiting(): number {
    return this.bytes;
  }

  /** Copies the next part (at most `partSize` bytes) into `into`; returns its length. */
  take(into: Buffer): number {
    let filled = 0;
    while (filled < this.partSize && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length, this.partSize - filled);
      chunk.copy(into, filled, 0, n);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.bytes -= filled;
    return filled;
  }

  /** What is waiting, as one buffer (for an object smaller than a part). */
  drain(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    return all;
  }
}

/**
 * Writes `body` to `Bucket/Key` in bounded memory: an object smaller than one part is one
 * `PutObject` (or `putWhole`); a larger one is a multipart upload whose parts are copied into at most
 * `queueSize + 1` pooled buffers, reused from part to part (and write to write), so a 2 GiB upload
 * leaves no 8 MiB buffer per part for the collector to find (lib-storage's `Upload` concatenates a
 * fresh one per part). The object appears only when the upload completes; any failure or abort
 * aborts the multipart upload, so no parts linger. Resolves to the bytes written.
 */
export async function writeMultipart(
  client: S3Client,
  target: { Bucket: string; Key: string },
  body: Readable,
  { partSize, queueSize, pool, signal: callerSignal, putWhole }: MultipartWriteOptions,
): Promise<number> {
  // A failure cancels the parts still being sent, as the caller's abort does.
  const failed = new AbortController();
  const signal = callerSignal ? AbortSignal.any([callerSignal, failed.signal]) : failed.signal;
  const collector = new PartCollector(partSize);
  const sending = new Set<Promise<void>>();
  const parts: CompletedPart[] = [];
  let uploadId: string | undefined;
  let size = 0;
  let failure: unknown;

  const sendPart = async (): Promise<void> => {
    uploadId ??= (await client.send(new CreateMultipartUploadCommand(target), { abortSignal: signal }))
      .UploadId;
    const buffer = pool.take();
    const length = collector.take(buffer);
    const PartNumber = parts.length + 1;
    const part: CompletedPart = { PartNumber };
    parts.push(part);
    const sent = client
      .send(
        new UploadPartCommand({
          ...target,
          UploadId: uploadId,
          PartNumber,
          Body: buffer.subarray(0, length),
          ContentLength: length,
        }),
        { abortSignal: signal },
      )
      .then(
        (res) => {
          part.ETag = res.ETag;
          pool.give(buffer);
        },
        (err: unknown) => {
          // Not given back: an aborted request may still hold it.
          failure ??= err;
        },
      )
      .finally(() => sending.delete(sent));
    sending.add(sent);
    while (sending.size >= queueSize && failure === undefined) await Promise.race(sending);
  };

  try {
    for await (const chunk of body) {
      signal.throwIfAborted();
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += bytes.length;
      if (collector.push(bytes))
        while (collector.waiting >= partSize && failure === undefined) await sendPart();
      if (failure !== undefined) throw failure;
    }
    if (uploadId === undefined) {
      const whole = collector.drain();
      if (putWhole) await putWhole(whole, signal);
      else
        await client.send(new PutObjectCommand({ ...target, Body: whole, ContentLength: whole.length }), {
          abortSignal: signal,
        });
      return size;
    }
    if (collector.waiting > 0) await sendPart();
    await Promise.all(sending);
    if (failure !== undefined) throw failure;
    await client.send(
      new CompleteMultipartUploadCommand({
        ...target,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
      { abortSignal: signal },
    );
    return size;
  } catch (err) {
    failed.abort(err);
    await Promise.allSettled(sending);
    if (uploadId !== undefined)
      await client
        .send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }))
        .catch(() => undefined);
    throw err;
  }
}
