import type { Readable } from 'node:stream';

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

/**
 * Where Reelkit keeps bytes. The server and the transcoder only ever talk to this interface, so a
 * shared directory, NFS or (later) S3 can sit behind it.
 */
export interface Storage {
  /** Streams `body` to `key`; the object appears whole or not at all. Resolves with its size. */
  write(key: string, body: Readable, options?: { signal?: AbortSignal }): Promise<{ size: number }>;
  /** A stream of the whole object or of an inclusive byte range of it. */
  read(key: string, range?: ByteRange): Readable;
  /** Size and modification time, or `null` when there is no such object. */
  stat(key: string): Promise<StoredObject | null>;
  /** Every key below a prefix (e.g. `org/video/`), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes every object below a prefix. Missing prefixes are fine. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * A path on the local file system for tools that need one (ffmpeg), or `null` for remote
   * drivers, which must then download to a temp file first.
   */
  localPath(key: string): string | null;
}
