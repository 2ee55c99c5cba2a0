// One call that turns a fresh machine into a running stack, and the environment each profile uses.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, ensureNodeModules, ensureSchemathesis } from './install.mjs';
import { projectNode } from './node-runtime.mjs';
import { ensureDatabase, ensureRedis } from './services.mjs';
import { ports, stateDir } from './paths.mjs';

/**
 * Dev and test share the Redis and database servers but never their data: the test profile uses
 * Redis db 1 with its own queue prefix, its own database name and its own storage folder.
 */
export function profileEnv(profile, { redisUrl, mongoUri }) {
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
  };
}

/** Installs what is missing and starts Redis and the database. Returns the profile's environment. */
export async function prepareStack({ profile, browser = false }) {
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
  return profileEnv(profile, { redisUrl, mongoUri });
}
