import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { listen } from '../../src/index.js';
import { startTs } from '../../../../test/support/processes.js';
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

  it('the server process exits 0 on SIGTERM once it is serving', async () => {
    const env = stackEnv();
    const proc = startTs('packages/server/src/main.ts', { ...env, PORT: '0', SHUTDOWN_TIMEOUT_MS: '2000' });
    await proc.waitFor(/"msg":"listening"/);
    const started = Date.now();
    expect(await proc.stop('SIGTERM'), proc.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
  });
});
