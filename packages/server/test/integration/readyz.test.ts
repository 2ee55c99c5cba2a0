import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDatabase,
  createApp,
  createLogger,
  createRedis,
  listen,
  loadServerConfig,
  type RunningServer,
} from '../../src/index.js';
import { startPrivateRedis, type PrivateRedis } from '../../../../test/support/redis-server.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

async function readyz(url: string): Promise<{
  status: number;
  body: { ok: boolean; checks: Record<string, { ok: boolean; error?: string }> };
}> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < until) {
    await sleep(200);
    last = await fn();
  }
  return last;
}

describe('/healthz and /readyz', () => {
  let privateRedis: PrivateRedis;
  let redis: Redis;
  let db: Connection;
  let server: RunningServer;

  beforeAll(async () => {
    const env = stackEnv();
    privateRedis = await startPrivateRedis();
    const config = loadServerConfig({ ...env, REDIS_URL: privateRedis.url, PORT: '0', LOG_LEVEL: 'silent' });
    redis = createRedis(config.REDIS_URL, 'readyz-test');
    redis.on('error', () => undefined);
    db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
    const logger = createLogger({ level: 'silent', name: 'test' });
    server = await listen(
      (await createApp({ config, logger, db, redis, searchPath: process.env.PATH ?? '' })).app,
      0,
      '127.0.0.1',
    );
  });

  afterAll(async () => {
    await server?.close(1000);
    redis?.disconnect();
    await db?.close();
    await privateRedis?.dispose();
  });

  it('/healthz answers while the process is up', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers 503 while Redis is unreachable and 200 again once it is back', async () => {
    const up = await readyz(server.url);
    expect(up.status).toBe(200);
    expect(up.body.checks).toMatchObject({
      mongodb: { ok: true },
      redis: { ok: true },
      ffprobe: { ok: true },
    });

    await privateRedis.stop();
    const down = await eventually(
      () => readyz(server.url),
      (r) => r.status === 503,
    );
    expect(down.status).toBe(503);
    expect(down.body.ok).toBe(false);
    expect(down.body.checks.redis?.ok).toBe(false);
    expect(down.body.checks.redis?.error).toBeTruthy();
    expect(down.body.checks.mongodb?.ok).toBe(true);

    await privateRedis.start();
    const back = await eventually(
      () => readyz(server.url),
      (r) => r.status === 200,
    );
    expect(back.status).toBe(200);
    expect(back.body.checks.redis?.ok).toBe(true);
  });

  it('reports a missing ffprobe as not ready, naming it', async () => {
    const env = stackEnv();
    const config = loadServerConfig({
      ...env,
      REDIS_URL: privateRedis.url,
      FFPROBE_PATH: 'ffprobe-that-does-not-exist',
      LOG_LEVEL: 'silent',
    });
    const { app } = await createApp({
      config,
      logger: createLogger({ level: 'silent', name: 't' }),
      db,
      redis,
      searchPath: process.env.PATH ?? '',
    });
    const other = await listen(app, 0, '127.0.0.1');
    try {
      const r = await readyz(other.url);
      expect(r.status).toBe(503);
      expect(r.body.checks.ffprobe?.error).toMatch(/ffprobe-that-does-not-exist not found/);
    } finally {
      await other.close(1000);
    }
  });

  it('answers 503 service_unavailable with Retry-After (never a 500) while the database cannot be reached', async () => {
    const env = stackEnv();
    const config = loadServerConfig({ ...env, REDIS_URL: privateRedis.url, LOG_LEVEL: 'silent' });
    const lost = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
    const { app } = await createApp({
      config,
      logger: createLogger({ level: 'silent', name: 't' }),
      db: lost,
      redis,
      searchPath: process.env.PATH ?? '',
    });
    const other = await listen(app, 0, '127.0.0.1');
    try {
      await lost.getClient().close();
      const res = await fetch(`${other.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.com', password: 'correct horse battery staple' }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe('service_unavailable');
      expect(body.detail).toBe('The database is not answering; try again shortly');
      expect((await readyz(other.url)).body.checks.mongodb?.ok).toBe(false);
    } finally {
      await other.close(1000);
      await lost.close().catch(() => undefined);
    }
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as { code: string; requestId: string };
    expect(body.code).toBe('not_found');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });
});
