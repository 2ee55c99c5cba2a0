import { resolve } from 'node:path';
import {
  ConfigError,
  booleanField,
  parseEnv,
  portField,
  sharedEnvShape,
  storageEnvProblems,
} from '@reelkit/protocol';
import { z } from 'zod';
import { getOrCreateDevSecret } from './dev-secrets.js';
import { parsePlaybackKeys, type PlaybackKeyring } from './playback/playback-keys.js';

const MIN_SECRET_BYTES = 32;

const schema = z.object({
  ...sharedEnvShape,
  HOST: z.string().default('127.0.0.1'),
  PORT: portField.default(4000),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://video.example.com' }).optional(),
  TRUST_PROXY: booleanField.default(false),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27027/'),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1-63 letters, digits, _ or -')
    .default('reelkit'),
  JWT_SECRET: z.string().optional(),
  /** Largest upload accepted (multipart and tus), in bytes. */
  MAX_UPLOAD_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1 byte')
    .max(Number.MAX_SAFE_INTEGER)
    .default(4 * 1024 ** 3),
  /**
   * A resumable (tus) upload that receives no bytes for this long expires: further requests get
   * 410 and a sweeper removes its parts and document.
   */
  UPLOAD_EXPIRY_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  /**
   * Videos whose transcode failed on a full volume (`storage_full`) are queued again this often;
   * while the volume is still full they fail again at once.
   */
  STORAGE_FULL_RETRY_S: z.coerce.number().int().min(1).max(86_400).default(300),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(3600)
    .max(90 * 86_400)
    .default(7 * 86_400),
  REFRESH_REUSE_GRACE_S: z.coerce.number().int().min(0).max(120).default(10),
  INVITE_TTL_S: z.coerce
    .number()
    .int()
    .min(3600)
    .max(30 * 86_400)
    .default(7 * 86_400),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^https?:\/\/[^/\s]+$/, 'must be comma-separated origins such as https://app.example.com'),
      ),
    ),
  DASHBOARD_URL: z.url({ message: 'must be an absolute URL' }).default('http://127.0.0.1:5173'),
  JSON_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must be a size such as 100kb')
    .default('100kb'),
  RATE_LIMIT_IP_PER_MIN: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_API_PER_MIN: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_AUTH_IP_PER_MIN: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: z.coerce.number().int().min(1).default(10),
  /** socket.io handshakes per client IP per minute (each verifies a token and reads the user). */
  RATE_LIMIT_SOCKET_IP_PER_MIN: z.coerce.number().int().min(1).default(600),
  /**
   * Who sends the bytes of delivered files (segments, playlists, poster, storyboard, `/file`):
   * `none`, Reelkit itself; `x-accel`, nginx in front: Reelkit checks the token, path and origin,
   * then answers with `X-Accel-Redirect: <DELIVERY_ACCEL_PREFIX>/<storage key>` and nginx serves
   * the file from its `internal` location (docs/guide-scaling.md). With `STORAGE=s3` the target
   * carries a presigned GET of the object, which that location proxies to the bucket
   * (deploy/nginx/reelkit-s3.conf.template).
   * @defaultValue `none`
   */
  DELIVERY_OFFLOAD: z.enum(['none', 'x-accel']).default('none'),
  /**
   * The nginx `internal` location that maps storage keys to files (or, on S3, proxies to the
   * bucket), for `DELIVERY_OFFLOAD=x-accel`.
   * @defaultValue `/_reelkit_storage`
   */
  DELIVERY_ACCEL_PREFIX: z
    .string()
    .regex(/^(\/[A-Za-z0-9_-]+)+$/, 'must be a path such as /_reelkit_storage')
    .default('/_reelkit_storage'),
  /**
   * Memory (MiB) for holding small delivered files whole — segments, init segments, variant
   * playlists, posters, storyboards up to 4 MiB each, least recently used first out — so a hot
   * segment is one socket write with no open, `fstat` or `read` (playback/hot-file-cache.ts). A
   * held file is re-checked against storage once a second. 0 turns it off.
   * @defaultValue 64
   */
  DELIVERY_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(64),
  PLAYBACK_KEYS: z.string().optional(),
  PLAYBACK_TOKEN_TTL_S: z.coerce.number().int().min(10).max(86_400).default(3600),
  PLAYBACK_TOKEN_MAX_TTL_S: z.coerce.number().int().min(10).max(86_400).default(86_400),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanField.default(false),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).max(3_600_000).default(10_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(10_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Delivery-log entries older than this many days are removed (hourly). */
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

/** Every environment variable this process reads (documented in .env.example). */
export const SERVER_ENV_VARIABLES = Object.freeze(Object.keys(schema.shape));

export type ServerConfig = Readonly<
  Omit<z.output<typeof schema>, 'JWT_SECRET' | 'STORAGE_DIR' | 'PUBLIC_URL' | 'PLAYBACK_KEYS'> & {
    /** Playback signing keys, the first one signing (see playback/playback-keys.ts). */
    PLAYBACK_KEYS: PlaybackKeyring;
    STORAGE_DIR: string;
    PUBLIC_URL: string;
    /** Signs access and refresh tokens. Never logged. */
    JWT_SECRET: string;
  }
>;

/**
 * Reads and validates the server's configuration. In production a missing or weak signing secret
 * refuses to start; in development and test a strong one is generated once into the state folder.
 */
export function loadServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = parseEnv(schema, env);
  const storageProblems = storageEnvProblems(parsed);
  if (storageProblems.length > 0) throw new ConfigError(storageProblems);
  const stateDir = resolve(parsed.STATE_DIR);
  let secret = parsed.JWT_SECRET;
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ConfigError([
      { variable: 'JWT_SECRET', message: `must be at least ${MIN_SECRET_BYTES} bytes` },
    ]);
  }
  if (secret === undefined) {
    if (parsed.NODE_ENV === 'production') {
      throw new ConfigError([
        {
          variable: 'JWT_SECRET',
          message: `is required in production (at least ${MIN_SECRET_BYTES} random bytes, e.g. \`openssl rand -base64 48\`)`,
        },
      ]);
    }
    secret = getOrCreateDevSecret(stateDir, 'JWT_SECRET');
  }
  let playbackKeys: PlaybackKeyring;
  if (parsed.PLAYBACK_KEYS === undefined && parsed.NODE_ENV === 'production') {
    throw new ConfigError([
      {
        variable: 'PLAYBACK_KEYS',
        message:
          'is required in production (kid:secret with at least 32 random bytes, e.g. k1:$(openssl rand -base64 48))',
      },
    ]);
  }
  try {
    playbackKeys = parsePlaybackKeys(
      parsed.PLAYBACK_KEYS ?? `dev1:${getOrCreateDevSecret(stateDir, 'PLAYBACK_KEY_dev1')}`,
      MIN_SECRET_BYTES,
    );
  } catch (err) {
    throw new ConfigError([{ variable: 'PLAYBACK_KEYS', message: (err as Error).message }]);
  }
  if (parsed.PLAYBACK_TOKEN_TTL_S > parsed.PLAYBACK_TOKEN_MAX_TTL_S) {
    throw new ConfigError([
      { variable: 'PLAYBACK_TOKEN_TTL_S', message: 'must not exceed PLAYBACK_TOKEN_MAX_TTL_S' },
    ]);
  }
  return Object.freeze({
    ...parsed,
    PLAYBACK_KEYS: playbackKeys,
    STATE_DIR: stateDir,
    STORAGE_DIR: resolve(parsed.STORAGE_DIR ?? resolve(stateDir, 'storage')),
    PUBLIC_URL: (parsed.PUBLIC_URL ?? `http://${parsed.HOST}:${parsed.PORT}`).replace(/\/$/, ''),
    JWT_SECRET: secret,
  });
}
