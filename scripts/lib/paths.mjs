// Where the local stack keeps things, and which ports it uses. Every value can be overridden by
// the environment so two stacks (or a dev stack and a test run) can live side by side.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`✗ ${name} must be a TCP port (1-65535), got "${raw}"`);
    process.exit(1);
  }
  return n;
}

/** The one ignored folder that holds every byte of local state: data, logs, pid files, dev secrets. */
export const stateDir = resolve(process.env.REELKIT_STATE_DIR ?? join(root, '.reelkit'));
/** Tools we build once per machine (FerretDB), shared by every clone. */
export const cacheDir = resolve(
  process.env.REELKIT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'reelkit'),
);

export const ports = {
  redis: port('REELKIT_REDIS_PORT', 6380),
  mongo: port('REELKIT_MONGO_PORT', 27027),
  api: port('PORT', 4000),
  testApi: port('REELKIT_TEST_PORT', 4100),
  // SeaweedFS's S3 gateway; its master, volume and filer take s3+1000, s3+1 and s3+2, and each of
  // those its port+10000 for gRPC, so keep it below 55000.
  s3: port('REELKIT_S3_PORT', 8433),
};

export const logDir = join(stateDir, 'logs');
