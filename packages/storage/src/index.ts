export type { ByteRange, ObjectReader, PresignedGet, Storage, StoredObject } from './storage.js';
export { LocalStorage, READ_HIGH_WATER_MARK, type LocalStorageOptions } from './local-storage.js';
export { S3Storage, type S3StorageOptions } from './s3-storage.js';
export { createStorage, type StorageConfig } from './create-storage.js';
export {
  StorageObjectChangedError,
  StorageObjectNotFoundError,
  StorageUnavailableError,
  isStorageFullError,
} from './storage-errors.js';
export { BufferPool } from './buffer-pool.js';
export { FileHandleCache, type FileHandleCacheOptions, type FileHandleLease } from './file-handle-cache.js';
export { writeRange } from './write-range.js';
export { InvalidStorageKeyError, assertStorageKey, videoKey, videoPrefix } from './storage-key.js';
export {
  GARBAGE_BYTES,
  createGarbagePacer,
  pacedChunks,
  streamGarbage,
  type GarbagePacer,
} from './garbage-pacer.js';
