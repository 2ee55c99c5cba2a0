import type { Readable, Writable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  mtime: Date;
}

/** An inclusive byte range, as HTTP Range uses them. */
export interface ByteRange {
  start: number;
  end: number;
}

/** An object opened for serving: its size on open, and a way to write ranges of it out. */
export interface ObjectReader {
  readonly size: number;
  readonly mtime: Date;
  /**
   * Writes an inclusive range to `out` (an HTTP response, typically) and ends it, then releases
   * the reader. Resolves when `out` finished or closed early; if the object turns out shorter than
   * the range, or a read fails once bytes flowed, `out` is destroyed and this rejects. A remote
   * store that fails before the first byte (an outage, an object deleted meanwhile) rejects and
   * leaves `out` untouched, so the caller can still answer with an error; one that finds the
   * object changed since it was opened (shorter, rewritten) rejects with a
   * `StorageObjectChangedError` carrying its current size, `out` untouched. Chunks come from pooled
   * buffers, reused once their write's callback ran: `out` must not hold on to them after that
   * (a socket never does).
   */
  send(range: ByteRange, out: Writable): Promise<void>;
  /** Releases the reader without sending (call this or `send`, once). */
  release(): void;
}

/** A GET of an object someone else may send (nginx, for `DELIVERY_OFFLOAD=x-accel`). */
export interface PresignedGet {
  /** `host[:port]`: the Host header the signature was made for. */
  host: string;
  /** The request path, starting with `/` (`/<bucket>/<key>` in path style). */
  path: string;
  /** The signature and its expiry, as a query string (no `?`). */
  query: string;
}

/**
 * Where Reelkit keeps bytes. The server and the transcoder only ever talk to this interface, so a
 * shared directory, NFS or an S3-compatible bucket can sit behind it.
 */
export interface Storage {
  /** Streams `body` to `key`; the object appears whole or not at all. Resolves with its size. */
  write(key: string, body: Readable, options?: { signal?: AbortSignal }): Promise<{ size: number }>;
  /** A stream of the whole object or of an inclusive byte range of it. */
  read(key: string, range?: ByteRange): Readable;
  /**
   * Optional fast path for serving bytes: opens an object so that ranges of it can be written
   * straight to a response, without a stream and a fresh buffer per read. `null` when there is no
   * such object. With `expectSize`, a driver that caches open objects reopens one whose size
   * differs (it was rewritten). Drivers without it are served through `read`.
   */
  openReader?(key: string, options?: { expectSize?: number }): Promise<ObjectReader | null>;
  /**
   * Remote drivers only: a GET of `key` signed for `expiresInSeconds`, for a proxy in front to send
   * to the store itself. Pure (no request); says nothing about whether the object exists.
   */
  presignGet?(key: string, expiresInSeconds: number): Promise<PresignedGet>;
  /** Size and modification time, or `null` when there is no such object. */
  stat(key: string): Promise<StoredObject | null>;
  /** Every key below a prefix (e.g. `org/video/`), sorted. */
  list(prefix: string): Promise<string[]>;
  /**
   * The prefixes one level below `prefix` (`''` for the top), each ending in `/`, sorted: the
   * organisations, or one organisation's videos, without listing their files.
   */
  listPrefixes(prefix: string): Promise<string[]>;
  /** Removes every object below a prefix. Missing prefixes are fine. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * A path on the local file system for tools that need one (ffmpeg), or `null` for remote
   * drivers, which must then download to a temp file first.
   */
  localPath(key: string): string | null;
}
