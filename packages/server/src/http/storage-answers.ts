// What a request answers when the media store fails it: full (507) or not answering (503).
import { isStorageFullError, StorageUnavailableError } from '@reelkit/storage';
import { AppError } from './app-error.js';

/** Seconds a client is asked to wait after a `storage_full` answer. */
export const STORAGE_FULL_RETRY_AFTER_S = 60;

/** Seconds a client is asked to wait before repeating a request the store could not serve. */
export const STORAGE_RETRY_AFTER_S = 5;

/**
 * The answer to a request whose bytes hit a full volume (ENOSPC): 507 `storage_full` with
 * `Retry-After`, and the connection closed so the rest of a big body is not read for nothing.
 * Whoever throws it has already removed what the request wrote.
 */
function storageFullError(): AppError {
  return new AppError('storage_full', 'The storage volume is full; nothing of this upload was kept', {
    headers: { 'Retry-After': String(STORAGE_FULL_RETRY_AFTER_S), Connection: 'close' },
  });
}

/** An outage of the media store (after the driver's retries): 503, and when to try again. */
function storageUnavailableError(): AppError {
  return new AppError('storage_unavailable', 'The media store is not answering; try again shortly', {
    headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_S) },
  });
}

/** `err` as the answer it calls for when the media store caused it (full or down), else undefined. */
export function asStorageAnswer(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined;
  if (err instanceof StorageUnavailableError) return storageUnavailableError();
  return isStorageFullError(err) ? storageFullError() : undefined;
}
