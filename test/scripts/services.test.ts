import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/processes.js';
import { stackEnv } from '../support/stack-env.js';

async function redisPid(): Promise<string | undefined> {
  const redis = new Redis(stackEnv().REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
  } finally {
    redis.disconnect();
  }
}

function up(extraEnv: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  // The scripts must decide for themselves, as on a newcomer's machine.
  delete env.REDIS_URL;
  delete env.MONGODB_URI;
  const res = spawnSync(process.execPath, ['scripts/services.mjs', 'up', '--profile', 'test', '--json'], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('scripts/services.mjs', () => {
  it('is idempotent: a second run finds Redis and the database running and starts nothing', async () => {
    const before = await redisPid();
    const run = up();
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/Redis already running on 127\.0\.0\.1:\d+/);
    expect(run.stderr).toMatch(/(ferretdb|mongod) already running|already listening/);
    expect(run.stderr).not.toMatch(/starting/);
    expect(await redisPid()).toBe(before);
    const env = JSON.parse(run.stdout) as Record<string, string>;
    expect(env).toMatchObject({ MONGODB_DB: 'reelkit_test', REDIS_PREFIX: 'reelkit-test', NODE_ENV: 'test' });
    expect(env.REDIS_URL).toMatch(/^redis:\/\/127\.0\.0\.1:\d+\/1$/);
  });

  it('exits non-zero naming a bad port variable', () => {
    const run = up({ REELKIT_REDIS_PORT: 'sixty' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/REELKIT_REDIS_PORT must be a TCP port/);
  });

  it('exits non-zero when the Redis port is taken by something else, saying how to fix it', async () => {
    const squatter = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const { port } = squatter.address() as { port: number };
    try {
      const run = await new Promise<ReturnType<typeof up>>((resolve) =>
        setImmediate(() => resolve(up({ REELKIT_REDIS_PORT: String(port) }))),
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`port ${port} is taken by something that is not Redis`));
      expect(run.stderr).toMatch(/how to fix: set REELKIT_REDIS_PORT/);
    } finally {
      squatter.close();
    }
  });
});
