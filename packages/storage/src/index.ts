export type { ByteRange, ObjectReader, Storage, StoredObject } from './storage.js';
export { LocalStorage, READ_HIGH_WATER_MARK, type LocalStorageOptions } from './local-storage.js';
export { BufferPool } from './buffer-pool.js';
export { FileHandleCache, type FileHandleCacheOptions, type FileHandleLease } from './file-handle-cache.js';
export { writeRange } from './write-range.js';
export { InvalidStorageKeyError, assertStorageKey, videoKey, videoPrefix } from './storage-key.js';
