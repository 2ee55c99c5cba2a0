import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { headerLines, isHeaderValue, writePreparedHead } from './prepared-head.js';

const HEADERS = [
  'X-Content-Type-Options',
  'nosniff',
  'Access-Control-Allow-Origin',
  '*',
  'ETag',
  '"5f5e100-d"',
  'Cache-Control',
  'public, max-age=31536000, immutable',
  'Content-Type',
  'video/iso.segment',
];
const BODY = Buffer.from('segment bytes');

/**
 * A real server answering `/w` with `writeHead` + `end` (what the front did before) and `/p` with
 * the prepared head + `end`: the same request to either must give the same bytes on the wire.
 */
async function startServer(configure: (server: Server) => void = () => undefined) {
  const lines = headerLines(HEADERS);
  const server = createServer((req, res) => {
    if (req.url === '/w') res.writeHead(200, [...HEADERS, 'Content-Length', String(BODY.length)]);
    else writePreparedHead(res, 200, lines, BODY.length);
    if (req.method === 'HEAD') res.end();
    else res.end(BODY);
  });
  configure(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

interface Exchange {
  /** Everything the server sent, its `Date` values blanked (they may straddle a second). */
  wire: string;
  /** Whether the server closed the connection after its answers. */
  closed: boolean;
}

/**
 * Sends `requests` on one connection in a single write (pipelined when several) and collects the
 * answers until `answers` complete responses arrived, then waits a little for a close.
 */
async function exchange(
  server: Server,
  requests: string[],
  answers: number,
  head = false,
): Promise<Exchange> {
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  let wire = '';
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.setEncoding('latin1');
  const complete = () => {
    let rest = wire;
    let n = 0;
    for (;;) {
      const end = rest.indexOf('\r\n\r\n');
      if (end < 0) return n;
      const length = head ? 0 : Number(/content-length: (\d+)/i.exec(rest.slice(0, end))?.[1] ?? 0);
      if (rest.length < end + 4 + length) return n;
      rest = rest.slice(end + 4 + length);
      n++;
    }
  };
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: string) => {
      wire += chunk;
      if (complete() >= answers) resolve();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      complete() >= answers ? resolve() : reject(new Error(`closed early: ${wire}`)),
    );
    socket.write(requests.join(''));
  });
  if (!closed) await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 300))]);
  socket.destroy();
  return { wire: wire.replace(/^Date: .*$/gm, 'Date: -'), closed };
}

describe('a prepared response head', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  const same = async (requests: (path: string) => string[], answers: number, head = false) => {
    const written = await exchange(server!, requests('/w'), answers, head);
    const prepared = await exchange(server!, requests('/p'), answers, head);
    expect(prepared).toEqual(written);
    return prepared;
  };
  const get = (path: string, extra = '', version = '1.1') =>
    `GET ${path} HTTP/${version}\r\nHost: t\r\n${extra}\r\n`;

  it('is byte for byte what writeHead sends, kept alive, for pipelined requests too', async () => {
    server = await startServer();
    const { wire, closed } = await same((p) => [get(p), get(p)], 2);
    expect(wire.match(/Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n/g)).toHaveLength(2);
    expect(wire.split('segment bytes')).toHaveLength(3);
    expect(closed).toBe(false);
  });

  it('closes as writeHead does when the client asks, or speaks HTTP/1.0 without keep-alive', async () => {
    server = await startServer();
    for (const request of [
      (p: string) => [get(p, 'Connection: close\r\n')],
      (p: string) => [get(p, '', '1.0')],
    ]) {
      const { wire, closed } = await same(request, 1);
      expect(wire).toContain('Connection: close\r\n');
      expect(closed).toBe(true);
    }
    const { wire, closed } = await same((p) => [get(p, 'Connection: keep-alive\r\n', '1.0')], 1);
    expect(wire).toContain('Connection: keep-alive\r\n');
    expect(closed).toBe(false);
  });

  it('says close on the last request a connection may carry, and no Keep-Alive without a timeout', async () => {
    server = await startServer((s) => (s.maxRequestsPerSocket = 2));
    const { wire } = await same((p) => [get(p), get(p)], 2);
    expect(wire).toContain('Keep-Alive: timeout=5, max=2\r\n');
    expect(wire).toContain('Connection: close\r\n');
    server.close();
    server = await startServer((s) => (s.keepAliveTimeout = 0));
    const noTimeout = await same((p) => [get(p)], 1);
    expect(noTimeout.wire).toContain('Connection: keep-alive\r\n');
    expect(noTimeout.wire).not.toContain('Keep-Alive');
  });

  it('answers HEAD and Expect: 100-continue as writeHead does', async () => {
    server = await startServer();
    const { wire } = await same((p) => [`HEAD ${p} HTTP/1.1\r\nHost: t\r\n\r\n`], 1, true);
    expect(wire).toContain(`Content-Length: ${BODY.length}\r\n`);
    expect(wire).not.toContain('segment bytes');
    await same((p) => [get(p, 'Expect: 100-continue\r\n')], 2);
  });

  it('refuses framing headers and invalid values when prepared, never per request', () => {
    expect(() => headerLines(['Content-Length', '5'])).toThrow(/Content-Length/);
    expect(() => headerLines(['Connection', 'close'])).toThrow(/Connection/);
    expect(() => headerLines(['X-Bad', 'a\r\nInjected: 1'])).toThrow();
    expect(() => headerLines(['Bad Name', 'x'])).toThrow();
    expect(headerLines(['A', '1', 'B', '2'])).toBe('A: 1\r\nB: 2\r\n');
    expect(isHeaderValue('https://shop.example')).toBe(true);
    expect(isHeaderValue('https://shop.example\r\nX: 1')).toBe(false);
  });
});
