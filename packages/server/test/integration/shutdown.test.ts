import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/index.js';
import { busyCpu, type BusyCpu } from '../../../../test/support/busy-cpu.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { startPrivateRedis } from '../../../../test/support/redis-server.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new ones, and resolves', async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      await sleep(400);
      ctx.body = 'done';
    });
    const running = await listen(app, 0, '127.0.0.1');
    const inFlight = get(`${running.url}/slow`);
    await sleep(100);
    const closed = running.close(5_000);
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    await expect(closed).resolves.toEqual({ forced: false });
    await expect(get(`${running.url}/again`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts requests that outlive the bound', async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      await sleep(5_000);
      ctx.body = 'too late';
    });
    const running = await listen(app, 0, '127.0.0.1');
    const inFlight = get(`${running.url}/stuck`).catch((e: Error) => e);
    await sleep(100);
    const started = Date.now();
    await expect(running.close(300)).resolves.toEqual({ forced: true });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});

/** What a crash on the way out leaves in the output (and an ioredis connection nobody listens to). */
const CRASH = /Unhandled|uncaught|ERR_UNHANDLED|Connection is closed|"level":(50|60)/i;

// Under load, as in production during a deploy: start-up and shutdown races only show when the
// process is slow to get through each step.
describe('the server process on SIGTERM, with the CPU busy', { timeout: 300_000 }, () => {
  let load: BusyCpu;
  beforeAll(() => {
    load = busyCpu();
  });
  afterAll(() => load?.stop());

  const ROUNDS = 3;

  function start(): Proc {
    return startTs('packages/server/src/main.ts', { ...stackEnv(), PORT: '0', SHUTDOWN_TIMEOUT_MS: '2000' });
  }

  async function expectCleanExit(proc: Proc): Promise<void> {
    const code = await proc.stop('SIGTERM', 60_000);
    expect(code, proc.output()).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
    expect(proc.output()).not.toMatch(CRASH);
  }

  it('exits 0 when signalled right after start, while it connects', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const proc = start();
      await proc.waitFor(/"msg":"starting"/, 120_000);
      await expectCleanExit(proc);
    }
  });

  it('exits 0 when signalled once it is serving', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const proc = start();
      await proc.waitFor(/"msg":"listening"/, 120_000);
      await expectCleanExit(proc);
    }
  });

  it('exits 0 when signalled mid-request, and answers what it had started', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const proc = start();
      await proc.waitFor(/"msg":"listening"/, 120_000);
      const url = /"url":"(http:[^"]+)"/.exec(proc.output())![1]!;
      // Requests that touch Redis and the database (readiness, rate limit, authentication).
      const paths = ['/readyz', '/v1/videos', '/v1/me', '/healthz'];
      const inFlight = Array.from({ length: 24 }, (_, n) =>
        get(`${url}${paths[n % paths.length]}`).then(
          (r) => r.status,
          (e: Error) => e.message,
        ),
      );
      await sleep(20 * i);
      await expectCleanExit(proc);
      // Each request was answered, or refused at the door once the server had stopped listening.
      for (const r of await Promise.all(inFlight))
        expect(String(r)).toMatch(/^(200|401|429|503)$|ECONNREFUSED|ECONNRESET|socket hang up/);
    }
  });

  it('exits 0 when Redis went away while it served', async () => {
    const redis = await startPrivateRedis();
    try {
      const proc = startTs('packages/server/src/main.ts', {
        ...stackEnv(),
        REDIS_URL: redis.url,
        PORT: '0',
        SHUTDOWN_TIMEOUT_MS: '2000',
      });
      await proc.waitFor(/"msg":"listening"/, 120_000);
      await redis.stop();
      // Every connection sees the loss (the shared one, the realtime subscriber, the transcode
      // events reader, the webhook worker and BullMQ's blocking duplicate of it).
      await proc.waitFor(/"connection":"reelkit-transcode-events","msg":"redis connection error"/, 60_000);
      expect(proc.child.exitCode, proc.output()).toBeNull();
      await expectCleanExit(proc);
    } finally {
      await redis.dispose();
    }
  });
});
