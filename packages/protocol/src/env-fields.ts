import { z } from 'zod';

/** A TCP port from an environment variable; 0 asks the OS for a free one. */
export const portField = z.coerce
  .number({ message: 'must be a port number (0-65535)' })
  .int('must be a port number (0-65535)')
  .min(0, 'must be a port number (0-65535)')
  .max(65535, 'must be a port number (0-65535)');

/** A positive duration in milliseconds, bounded so a typo cannot mean "a week". */
export const millisField = (max: number) => z.coerce.number().int().min(1).max(max);

/** "true"/"false"/"1"/"0" from the environment. */
export const booleanField = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Where media lives: `local` (STORAGE_DIR, one box or a shared folder) or `s3` (any S3-compatible
 * store; every S3_* variable below).
 */
const storageEnvShape = {
  STORAGE: z.enum(['local', 's3'], { message: 'must be local or s3' }).default('local'),
  STORAGE_DIR: z.string().optional(),
  /** The S3 API's URL (SeaweedFS, MinIO, R2…); unset means AWS itself, by region. */
  S3_ENDPOINT: z.url({ message: 'must be an absolute URL' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  /** Put before every key, e.g. `reelkit/`: several deployments can share a bucket. */
  S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_][A-Za-z0-9._-]*\/)*$/, 'must be empty or path segments each ending in /')
    .default(''),
  /** With S3_SECRET_ACCESS_KEY; unset means the AWS SDK's default chain (env, profile, IAM role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** `true` for most self-hosted stores (http://host/bucket/key rather than http://bucket.host/key). */
  S3_FORCE_PATH_STYLE: booleanField.default(false),
};

/**
 * What a parsed storage configuration lacks: S3_BUCKET with STORAGE=s3, and access key and secret
 * only together. Each process's config module throws these as a ConfigError.
 */
export function storageEnvProblems(env: {
  STORAGE: 'local' | 's3';
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
}): Array<{ variable: string; message: string }> {
  const problems: Array<{ variable: string; message: string }> = [];
  if (env.STORAGE === 's3' && !env.S3_BUCKET)
    problems.push({ variable: 'S3_BUCKET', message: 'is required with STORAGE=s3' });
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY)
    problems.push({
      variable: env.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID',
      message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together',
    });
  return problems;
}

/**
 * The variables every Reelkit process reads the same way. Each process's config module spreads
 * this into its own schema.
 */
export const sharedEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6380/0'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -')
    .default('reelkit'),
  STATE_DIR: z.string().default('.reelkit'),
  ...storageEnvShape,
  FFPROBE_PATH: z.string().default('ffprobe'),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  SHUTDOWN_TIMEOUT_MS: millisField(120_000).default(10_000),
};
