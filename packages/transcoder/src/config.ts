import { resolve } from 'node:path';
import { millisField, parseEnv, sharedEnvShape } from '@reelkit/protocol';
import { z } from 'zod';

const schema = z.object({
  ...sharedEnvShape,
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  JOB_TIMEOUT_MS: millisField(6 * 60 * 60 * 1000).default(60 * 60 * 1000),
});

/** Every environment variable this process reads (documented in .env.example). */
export const TRANSCODER_ENV_VARIABLES = Object.freeze(Object.keys(schema.shape));

export type TranscoderConfig = Readonly<
  Omit<z.output<typeof schema>, 'STORAGE_DIR'> & { STORAGE_DIR: string }
>;

/** Reads and validates the worker's configuration; throws a ConfigError naming each bad variable. */
export function loadTranscoderConfig(env: Record<string, string | undefined>): TranscoderConfig {
  const parsed = parseEnv(schema, env);
  const stateDir = resolve(parsed.STATE_DIR);
  return Object.freeze({
    ...parsed,
    STATE_DIR: stateDir,
    STORAGE_DIR: resolve(parsed.STORAGE_DIR ?? resolve(stateDir, 'storage')),
  });
}
