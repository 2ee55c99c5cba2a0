import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Koa from 'koa';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { noteStage, slowRequestLog } from './slow-request-log.js';

/** A Koa app whose log lines are collected, answering after `delayMs`. */
async function serve(thresholdMs: number, delayMs: number) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const app = new Koa();
  app.use(slowRequestLog({ logger, thresholdMs }));
  app.use(async (ctx) => {
    await sleep(delayMs);
    noteStage(ctx, 'body', delayMs);
    ctx.status = 204;
  });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { lines, url, close: () => new Promise((r) => server.close(r)) };
}

describe('slowRequestLog', () => {
  it('logs a request slower than the threshold with its status and stages, token kept out', async () => {
    const s = await serve(50, 120);
    try {
      expect((await fetch(`${s.url}/v1/play/secret-token/x/master.m3u8`)).status).toBe(204);
      expect(s.lines).toHaveLength(1);
      expect(s.lines[0]).toMatchObject({
        msg: 'slow request',
        method: 'GET',
        path: '/v1/play/<token>/x/master.m3u8',
        status: 204,
        stages: { body: 120 },
      });
      expect(s.lines[0]!.ms).toBeGreaterThanOrEqual(100);
    } finally {
      await s.close();
    }
  });

  it('says nothing of a quick request', async () => {
    const s = await serve(10_000, 0);
    try {
      expect((await fetch(s.url)).status).toBe(204);
      expect(s.lines).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
