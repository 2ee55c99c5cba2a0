// Runs once before every test file: makes sure Redis and the database are up (starting them the way
// `npm test` does when vitest is run on its own), then gives the test profile a clean slate.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import type { TestProject } from 'vitest/node';
import type { StackEnv } from './stack-env.js';

const KEYS: Array<keyof StackEnv> = [
  'NODE_ENV',
  'REDIS_URL',
  'QUEUE_PREFIX',
  'MONGODB_URI',
  'MONGODB_DB',
  'STATE_DIR',
  'STORAGE_DIR',
  'PORT',
];

function startStack(): StackEnv {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const res = spawnSync(process.execPath, ['scripts/services.mjs', 'up', '--profile', 'test', '--json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) {
    throw new Error(
      'could not start Redis and the database for the tests (see above); `npm test` sets them up',
    );
  }
  return JSON.parse(res.stdout) as StackEnv;
}

export default async function setup(project: TestProject): Promise<void> {
  let stack: StackEnv;
  if (process.env.REELKIT_STACK_READY === '1') {
    stack = Object.fromEntries(KEYS.map((k) => [k, process.env[k] ?? ''])) as unknown as StackEnv;
  } else {
    stack = startStack();
  }
  if (stack.MONGODB_DB === 'reelkit' || !stack.MONGODB_DB.includes('test')) {
    throw new Error(`refusing to run tests against database "${stack.MONGODB_DB}": use the test profile`);
  }
  const redis = new Redis(stack.REDIS_URL, { maxRetriesPerRequest: 3 });
  await redis.flushdb();
  await redis.quit();
  const conn = await mongoose.createConnection(stack.MONGODB_URI, { dbName: stack.MONGODB_DB }).asPromise();
  await conn.dropDatabase();
  await conn.close();
  project.provide('stack', stack);
}
