// Runs once per vitest run: makes sure Redis, the database and SeaweedFS are up (starting them the
// way `npm test` does when vitest is run on its own) and gives the run data of its own.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { S3Storage } from '@reelkit/storage';
import type { TestProject } from 'vitest/node';
import type { StackEnv } from './stack-env.js';

const KEYS: Array<keyof StackEnv> = [
  'NODE_ENV',
  'REDIS_URL',
  'REDIS_PREFIX',
  'MONGODB_URI',
  'MONGODB_DB',
  'STATE_DIR',
  'STORAGE_DIR',
  'PORT',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_PREFIX',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
];

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the services as this run (its pid holds SeaweedFS until `releaseStack`). */
function startStack(): StackEnv {
  const res = spawnSync(
    process.execPath,
    ['scripts/services.mjs', 'up', '--profile', 'test', '--json', '--holder', String(process.pid)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (res.status !== 0) {
    throw new Error(
      'could not start Redis, the database and SeaweedFS for the tests (see above); `npm test` sets them up',
    );
  }
  return { S3_PREFIX: '', ...(JSON.parse(res.stdout) as Omit<StackEnv, 'S3_PREFIX'>) };
}

/** This run is done with SeaweedFS: stopped if a test run started it and no other run uses it. */
function releaseStack(): void {
  spawnSync(process.execPath, ['scripts/services.mjs', 'release', '--holder', String(process.pid)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * Each run gets its own database, Redis key prefix and storage folder, so two runs at once (two
 * developers' terminals, a helper and CI) never see each other's data. Teardown removes them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ready = process.env.REELKIT_STACK_READY === '1';
  const base = ready
    ? (Object.fromEntries(KEYS.map((k) => [k, process.env[k] ?? ''])) as unknown as StackEnv)
    : startStack();
  if (!base.MONGODB_DB.includes('test')) {
    throw new Error(`refusing to run tests against database "${base.MONGODB_DB}": use the test profile`);
  }
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const stack: StackEnv = {
    ...base,
    MONGODB_DB: `${base.MONGODB_DB}_${runId}`,
    REDIS_PREFIX: `${base.REDIS_PREFIX}-${runId}`,
    STORAGE_DIR: join(base.STORAGE_DIR, runId),
    S3_PREFIX: `${base.S3_PREFIX}run-${runId}/`,
  };
  project.provide('stack', stack);

  return async () => {
    const redis = new Redis(stack.REDIS_URL, { maxRetriesPerRequest: 3 });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
    // The run's database and every isolated one below it (`isolatedStack`).
    const conn = await mongoose.createConnection(stack.MONGODB_URI, { dbName: stack.MONGODB_DB }).asPromise();
    const { databases } = await conn.db!.admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (name === stack.MONGODB_DB || name.startsWith(`${stack.MONGODB_DB}_`))
        await conn.useDb(name, { useCache: false }).dropDatabase();
    }
    await conn.close();
    rmSync(stack.STORAGE_DIR, { recursive: true, force: true });
    // The run's objects: everything below its prefix.
    const s3 = new S3Storage({
      endpoint: stack.S3_ENDPOINT,
      region: stack.S3_REGION,
      bucket: stack.S3_BUCKET,
      prefix: stack.S3_PREFIX,
      credentials: { accessKeyId: stack.S3_ACCESS_KEY_ID, secretAccessKey: stack.S3_SECRET_ACCESS_KEY },
      forcePathStyle: stack.S3_FORCE_PATH_STYLE === 'true',
    });
    try {
      for (const prefix of await s3.listPrefixes('')) await s3.deletePrefix(prefix);
    } catch (err) {
      // The S3 tests have failed already if the store is gone; say what is left behind.
      console.warn(
        `could not remove ${stack.S3_PREFIX} from bucket ${stack.S3_BUCKET}: ${(err as Error).message}`,
      );
    } finally {
      s3.destroy();
      if (!ready) releaseStack();
    }
  };
}
