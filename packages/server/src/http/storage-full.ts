import { isStorageFullError } from '@reelkit/storage';
import { AppError } from './app-error.js';

/** Seconds a client is asked to wait after a `storage_full` answer. */
export const STORAGE_FULL_RETRY_AFTER_S = 60;

/**
 * The answer to a request whose bytes hit a full volume (ENOSPC): 507 `storage_full` with
 * `Retry-After`, and the connection closed so the rest of a big body is not read for nothing.
 * Whoever throws it has already removed what the request wrote.
 */
export function storageFullError(): AppError {
  return new AppError('storage_full', 'The storage volume is full; nothing of this upload was kept', {
    headers: { 'Retry-After': String(STORAGE_FULL_RETRY_AFTER_S), Connection: 'close' },
  });
}

/** `err` as the `storage_full` answer when it says the volume is full, else undefined. */
export function asStorageFull(err: unknown): AppError | undefined {
  return !(err instanceof AppError) && isStorageFullError(err) ? storageFullError() : undefined;
}
