import { inject } from 'vitest';
import { S3Storage } from '@reelkit/storage';

/** The test profile's environment: the services `npm test` started, with test-only names. */
export interface StackEnv {
  NODE_ENV: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  MONGODB_URI: string;
  MONGODB_DB: string;
  STATE_DIR: string;
  STORAGE_DIR: string;
  PORT: string;
  /** The test SeaweedFS (or the S3 store the caller set); tests pick STORAGE=s3 themselves. */
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_BUCKET: string;
  /** This run's own prefix in the bucket (teardown deletes it); ends with `/`. */
  S3_PREFIX: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
}

export function stackEnv(): StackEnv {
  return inject('stack');
}

/**
 * A Redis prefix and a database of their own, both below the run's (teardown removes them), for
 * a server or worker whose jobs must stay apart from other test files'. They go together:
 * reconciliation re-enqueues an open video whose job it cannot find under its prefix, so a server
 * must never share a database with videos whose jobs live under another prefix.
 */
export function isolatedStack(name: string): { REDIS_PREFIX: string; MONGODB_DB: string } {
  const env = stackEnv();
  return { REDIS_PREFIX: `${env.REDIS_PREFIX}-${name}`, MONGODB_DB: `${env.MONGODB_DB}_${name}` };
}

/** The run's S3 variables with STORAGE=s3 and a prefix of the caller's below the run's. */
export function s3StackEnv(name: string): Record<string, string> {
  const env = stackEnv();
  return {
    STORAGE: 's3',
    S3_ENDPOINT: env.S3_ENDPOINT,
    S3_REGION: env.S3_REGION,
    S3_BUCKET: env.S3_BUCKET,
    S3_PREFIX: `${env.S3_PREFIX}${name}/`,
    S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
    S3_FORCE_PATH_STYLE: env.S3_FORCE_PATH_STYLE,
  };
}

/**
 * A driver on the test store below `prefix` (a whole key prefix, such as `s3StackEnv(…).S3_PREFIX`),
 * for a test to look at what its processes stored. `destroy()` it after.
 */
export function s3TestStorage(
  prefix: string,
  options: Partial<ConstructorParameters<typeof S3Storage>[0]> = {},
): S3Storage {
  const env = stackEnv();
  return new S3Storage({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    prefix,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    ...options,
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEnv;
  }
}
