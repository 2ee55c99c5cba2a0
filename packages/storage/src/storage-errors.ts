import type { StoredObject } from './storage.js';

/**
 * The store did not answer in time, refused the connection or failed on its side (5xx, throttling)
 * after the driver's retries. The server answers 503 with `code`; the request may be repeated.
 */
export class StorageUnavailableError extends Error {
  readonly code = 'storage_unavailable' as const;

  constructor(operation: string, options?: { cause?: unknown }) {
    super(`storage unavailable during ${operation}`, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * A read of an object that does not exist. `code` is `ENOENT`, as the local driver's read stream
 * reports it, so callers handle a missing object the same way whatever the driver.
 */
export class StorageObjectNotFoundError extends Error {
  readonly code = 'ENOENT' as const;

  constructor(key: string) {
    super(`no stored object ${JSON.stringify(key)}`);
    this.name = 'StorageObjectNotFoundError';
  }
}

/**
 * The object is no longer what the reader was opened on (rewritten or shrunk between a cached
 * `stat` and the read: the store refused the range, or answered another length), noticed before
 * any byte was written. `current` is a fresh `stat` of it; the caller answers again for that.
 */
export class StorageObjectChangedError extends Error {
  readonly code = 'object_changed' as const;

  constructor(
    key: string,
    readonly current: StoredObject,
  ) {
    super(`stored object ${JSON.stringify(key)} changed while being opened (now ${current.size} bytes)`);
    this.name = 'StorageObjectChangedError';
  }
}

/** errno codes of a full volume: no space left, or the disk quota of the user exceeded. */
const FULL_CODES: ReadonlySet<unknown> = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Whether `err` (or an error in its `cause` chain) says the volume is full. Callers answer with
 * `storage_full` instead of a generic failure: it is the operator's to fix, and a retry after
 * space is freed succeeds.
 */
export function isStorageFullError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    if (FULL_CODES.has((e as { code?: unknown }).code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
