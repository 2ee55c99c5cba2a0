export type { ByteRange, Storage, StoredObject } from './storage.js';
export { LocalStorage, READ_HIGH_WATER_MARK } from './local-storage.js';
export { InvalidStorageKeyError, assertStorageKey, videoKey, videoPrefix } from './storage-key.js';
