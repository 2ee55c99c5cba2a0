import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, millisField, parseEnv, sharedEnvShape, storageEnvProblems } from '@reelkit/protocol';
import { z } from 'zod';

const schema = z.object({
  ...sharedEnvShape,
  /** Local folder for job folders (source copy, ffmpeg output); each worker process uses its own below it. */
  SCRATCH_DIR: z.string().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  JOB_TIMEOUT_MS: millisField(6 * 60 * 60 * 1000).default(60 * 60 * 1000),
  // How long a job's lock lives without renewal; a worker that dies (kill -9) hands its job back
  // to the queue after about this long. Also the stalled-job check interval.
  LOCK_DURATION_MS: millisField(10 * 60 * 1000).default(30_000),
  // Limits checked on ffprobe's metadata before anything decodes the source.
  MAX_DURATION_S: z.coerce
    .number()
    .positive()
    .default(4 * 3600),
  MAX_PIXELS: z.coerce
    .number()
    .int()
    .positive()
    .default(4096 * 2304),
  MAX_FPS: z.coerce.number().positive().max(1000).default(120),
  X264_PRESET: z
    .enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'])
    .default('veryfast'),
  HLS_SEGMENT_S: z.coerce.number().int().min(2).max(10).default(4),
  SENSITIVITY_KEYWORDS: z
    .string()
    .default('nsfw,xxx,porn,gore,leaked')
    .transform((s) =>
      s
        .split(',')
        .map((w) => w.trim().toLowerCase())
        .filter(Boolean),
    ),
  SENSITIVITY_MIN_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 1024),
  SENSITIVITY_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 ** 3),
  SENSITIVITY_MIN_DURATION_S: z.coerce.number().min(0).default(1),
  SENSITIVITY_MAX_DURATION_S: z.coerce
    .number()
    .positive()
    .default(3 * 3600),
});

/** Every environment variable this process reads (documented in .env.example). */
export const TRANSCODER_ENV_VARIABLES = Object.freeze(Object.keys(schema.shape));

export type TranscoderConfig = Readonly<
  Omit<z.output<typeof schema>, 'STORAGE_DIR' | 'SCRATCH_DIR'> & { STORAGE_DIR: string; SCRATCH_DIR: string }
>;

/** Reads and validates the worker's configuration; throws a ConfigError naming each bad variable. */
export function loadTranscoderConfig(env: Record<string, string | undefined>): TranscoderConfig {
  const parsed = parseEnv(schema, env);
  const problems = storageEnvProblems(parsed);
  if (problems.length > 0) throw new ConfigError(problems);
  const stateDir = resolve(parsed.STATE_DIR);
  return Object.freeze({
    ...parsed,
    STATE_DIR: stateDir,
    STORAGE_DIR: resolve(parsed.STORAGE_DIR ?? resolve(stateDir, 'storage')),
    SCRATCH_DIR: resolve(parsed.SCRATCH_DIR ?? resolve(tmpdir(), 'reelkit-scratch')),
  });
}
