// One call that turns a fresh machine into a running stack, and the environment each profile uses.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, ensureNodeModules, ensureSchemathesis } from './install.mjs';
import { projectNode } from './node-runtime.mjs';
import { LOCAL_S3, ensureDatabase, ensureRedis, ensureS3 } from './services.mjs';
import { ports, stateDir } from './paths.mjs';

/**
 * Dev and test share the Redis, database and SeaweedFS servers but never their data: the test
 * profile uses Redis db 1 with its own queue prefix, its own database name, its own storage folder
 * and its own bucket. `s3` (the S3 store's variables) is set for tests, which keep the local
 * driver unless a test asks for S3, and for a dev stack started with STORAGE=s3.
 */
export function profileEnv(profile, { redisUrl, mongoUri, s3 }) {
  const test = profile === 'test';
  const base = redisUrl.replace(/\/\d*$/, '');
  return {
    NODE_ENV: test ? 'test' : 'development',
    REDIS_URL: process.env.REDIS_URL ? redisUrl : `${base}/${test ? 1 : 0}`,
    REDIS_PREFIX: test ? 'reelkit-test' : 'reelkit',
    MONGODB_URI: mongoUri,
    MONGODB_DB: test ? 'reelkit_test' : 'reelkit',
    STATE_DIR: stateDir,
    STORAGE_DIR: join(stateDir, test ? 'test-storage' : 'storage'),
    PORT: String(test ? ports.testApi : ports.api),
    ...s3,
  };
}

const S3_VARIABLES = [
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_PREFIX',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
];

/**
 * The S3 variables of a profile: the caller's own store when S3_ENDPOINT is set, else a local
 * SeaweedFS (started if need be). `holder` is the pid of the test run that will use it.
 */
async function s3Env(profile, holder) {
  const dev = profile === 'dev' ? { STORAGE: 's3' } : {};
  if (process.env.S3_ENDPOINT) {
    return {
      ...dev,
      ...Object.fromEntries(S3_VARIABLES.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
    };
  }
  const { endpoint, bucket } = await ensureS3({ owner: profile, holder });
  return {
    ...dev,
    S3_ENDPOINT: endpoint,
    S3_REGION: LOCAL_S3.region,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: LOCAL_S3.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * Installs what is missing and starts Redis, the database and, for tests or STORAGE=s3, SeaweedFS.
 * Returns the profile's environment. `holder`: the pid of the test run that will use SeaweedFS
 * (see `releaseS3`).
 */
export async function prepareStack({ profile, browser = false, holder }) {
  // First, so npm and everything after it run on the project's Node.
  projectNode();
  ensureNodeModules();
  const needs = [
    ['ffmpeg', 'ffmpeg'],
    ['ffprobe', 'ffmpeg'],
  ];
  if (!process.env.REDIS_URL) needs.push(['redis-server', 'redis-server']);
  if (browser) needs.push(['chromium', 'chromium']);
  // The delivery tests compare Reelkit with nginx and run it in front (X-Accel-Redirect). Debian
  // puts nginx in /usr/sbin, which is not on every user's PATH.
  if (profile === 'test' && !existsSync('/usr/sbin/nginx')) needs.push(['nginx', 'nginx-light']);
  ensureDebianPackages(needs);
  // The API contract test (test/integration/api-contract) runs schemathesis; nothing else needs Python.
  if (profile === 'test') ensureSchemathesis();
  const redisUrl = process.env.REDIS_URL ?? (await ensureRedis());
  const { uri: mongoUri } = await ensureDatabase();
  const s3 = profile === 'test' || process.env.STORAGE === 's3' ? await s3Env(profile, holder) : undefined;
  return profileEnv(profile, { redisUrl, mongoUri, s3 });
}
