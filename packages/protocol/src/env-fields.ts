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
  STORAGE_DIR: z.string().optional(),
  FFPROBE_PATH: z.string().default('ffprobe'),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  SHUTDOWN_TIMEOUT_MS: millisField(120_000).default(10_000),
};
