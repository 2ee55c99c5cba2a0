// Slow clients cannot pin the server: a slowloris (headers a byte a second) is cut at the headers
// bound while other clients keep their normal latency; a body that stops is cut at the idle bound.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/listen.js';

/** Resolves with how the connection ended and when (ms after `from`). */
function ended(socket: Socket, from: number): Promise<{ afterMs: number; received: string }> {
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  return new Promise((resolve) => {
    socket.once('close', () => resolve({ afterMs: Date.now() - from, received }));
    socket.on('error', () => undefined);
  });
}

describe('slow clients', { timeout: 60_000 }, () => {
  let running: RunningServer;
  let port: number;
  beforeAll(async () => {
    const app = new Koa();
    app.silent = true; // the cut request's 'aborted' is the point of the test
    app.use(async (ctx) => {
      // Reads a body as an upload route does, to its end.
      if (ctx.method === 'POST') for await (const chunk of ctx.req) void chunk;
      ctx.body = 'ok';
    });
    running = await listen(app, 0, '127.0.0.1', { headersTimeoutMs: 2_000, idleTimeoutMs: 2_000 });
    port = Number(new URL(running.url).port);
  });
  afterAll(() => running?.close(1_000));

  it('cuts a slowloris at the headers bound while other clients are served as usual', async () => {
    const loris = connect(port, '127.0.0.1');
    const start = Date.now();
    const end = ended(loris, start);
    const header = 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(100);
    let i = 0;
    const drip = setInterval(() => {
      if (!loris.destroyed && i < header.length) loris.write(header[i++]!);
    }, 1_000);
    // Meanwhile, normal requests answer promptly.
    const latencies: number[] = [];
    try {
      for (let n = 0; n < 10; n++) {
        const t = performance.now();
        const res = await fetch(running.url);
        expect(await res.text()).toBe('ok');
        latencies.push(performance.now() - t);
        await sleep(200);
      }
      const { afterMs, received } = await end;
      // Cut between the bound and the bound plus one check interval (and a busy machine's slack).
      expect(afterMs).toBeGreaterThanOrEqual(2_000);
      expect(afterMs).toBeLessThan(6_000);
      expect(received).toMatch(/^HTTP\/1\.1 408|^$/);
      expect(i).toBeLessThan(8);
      expect(Math.max(...latencies)).toBeLessThan(1_000);
    } finally {
      clearInterval(drip);
      loris.destroy();
    }
  });

  it('cuts a request whose body stops coming at the idle bound', async () => {
    const stalled = connect(port, '127.0.0.1');
    const start = Date.now();
    const end = ended(stalled, start);
    stalled.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\nfirst bytes');
    const { afterMs } = await end;
    expect(afterMs).toBeGreaterThanOrEqual(2_000);
    expect(afterMs).toBeLessThan(5_000);
  });
});
