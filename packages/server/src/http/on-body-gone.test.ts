import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onBodyGone } from './on-body-gone.js';

/** A server whose handler hands each request over; the client sends a head and a few bytes. */
async function withRequest(
  cut: boolean,
  handle: (req: IncomingMessage, closed: Promise<unknown>) => Promise<void>,
): Promise<void> {
  let done: Promise<void> | undefined;
  const server = createServer((req, res) => {
    req.on('error', () => undefined); // 'aborted', as the routes take it
    const closed = new Promise((resolve) =>
      req.destroyed ? resolve(undefined) : req.once('close', resolve),
    );
    done = handle(req, closed).finally(() => res.destroyed || res.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const req = request({ host: '127.0.0.1', port, method: 'PUT', headers: { 'content-length': '10' } });
  req.on('error', () => undefined);
  await new Promise<void>((resolve) => req.write('abcde', () => resolve()));
  if (cut) req.destroy();
  else req.end('fghij');
  while (!done) await new Promise((r) => setImmediate(r));
  await done;
  server.closeAllConnections();
  server.close();
}

const called = (fn: (resolve: (v: string) => void) => void, ms = 10_000) =>
  Promise.race([new Promise<string>(fn), new Promise<string>((r) => setTimeout(() => r('not called'), ms))]);

describe('onBodyGone', () => {
  it('tells a handler whose client went away mid-body', async () => {
    await withRequest(true, async (req) => {
      expect(await called((resolve) => onBodyGone(req, () => resolve('gone')))).toBe('gone');
    });
  });

  it('tells it too when the client was gone before it looked (no close event will come)', async () => {
    await withRequest(true, async (req, closed) => {
      await closed;
      expect(req.destroyed).toBe(true);
      expect(await called((resolve) => onBodyGone(req, () => resolve('gone')))).toBe('gone');
    });
  });

  it('stays quiet for a body that arrives whole', async () => {
    await withRequest(false, async (req) => {
      let gone = false;
      onBodyGone(req, () => (gone = true));
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('abcdefghij');
      await new Promise((r) => setImmediate(r));
      expect(gone).toBe(false);
    });
  });
});
