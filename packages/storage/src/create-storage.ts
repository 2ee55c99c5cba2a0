import { LocalStorage } from './local-storage.js';
import { S3Storage } from './s3-storage.js';
import type { Storage } from './storage.js';

/** The storage variables of a parsed process config (`sharedEnvShape` in `@reelkit/protocol`). */
export interface StorageConfig {
  STORAGE: 'local' | 's3';
  /** Absolute; required with `local`. */
  STORAGE_DIR?: string | undefined;
  S3_ENDPOINT?: string | undefined;
  S3_REGION?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_PREFIX?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE?: boolean | undefined;
}

/** The driver a process's configuration asks for: a local folder, or an S3-compatible bucket. */
export function createStorage(config: StorageConfig): Storage {
  if (config.STORAGE === 'local') {
    if (!config.STORAGE_DIR) throw new Error('STORAGE_DIR is required with STORAGE=local');
    return new LocalStorage(config.STORAGE_DIR);
  }
  if (!config.S3_BUCKET) throw new Error('S3_BUCKET is required with STORAGE=s3');
  return new S3Storage({
    bucket: config.S3_BUCKET,
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    prefix: config.S3_PREFIX,
    credentials:
      config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}
