import { once } from 'node:events';
import { Agent, createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';
import { parseHead, PooledHttpGet } from './pooled-http-get.js';

const KiB = 1024;
/** Byte i of every body is i mod 251. */
const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

let server: Server | undefined;
let client: PooledHttpGet | undefined;
afterEach(async () => {
  client?.destroy();
  server?.closeAllConnections();
  if (server?.listening) await new Promise((resolve) => server!.close(resolve));
  server = client = undefined;
});

/** A server answering every GET with `handler`; counts the connections it accepted. */
async function serve(handler: Parameters<typeof createServer>[1]) {
  const connections = { count: 0 };
  server = createServer(handler);
  server.on('connection', () => connections.count++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const pool = new BufferPool(16 * KiB, 8);
  client = new PooledHttpGet({
    host: '127.0.0.1',
    port,
    pool,
    connectionTimeoutMs: 2_000,
    socketTimeoutMs: 2_000,
  });
  return { client, connections, pool };
}

/** A writable that copies what it is given (as a socket's kernel buffer does), slowly if asked. */
function sink(delayMs = 0) {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 16 * KiB,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      if (delayMs) setTimeout(done, delayMs);
      else done();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

const signal = () => new AbortController().signal;

describe('PooledHttpGet', () => {
  it('reads bodies byte-exact through pooled buffers, on one kept-alive connection', async () => {
    const data = body(300 * KiB);
    const { client, connections, pool } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    for (let i = 0; i < 3; i++) {
      const answer = await client.get('/o', { host: 'x' }, signal());
      expect(answer).toMatchObject({ status: 200, length: data.length });
      const { out, bytes } = sink();
      await answer.pipeTo(out);
      expect(bytes().equals(data)).toBe(true);
    }
    expect(connections.count).toBe(1);
    expect(pool.idle).toBeGreaterThan(0);
  });

  it('waits for a slow writable (backpressure) and still delivers every byte', async () => {
    const data = body(512 * KiB);
    const { client } = await serve((_req, res) => {
      res.writeHead(206, { 'content-length': data.length });
      res.end(data);
    });
    const answer = await client.get('/o', { host: 'x' }, signal());
    const { out, bytes } = sink(2);
    await answer.pipeTo(out);
    expect(bytes().equals(data)).toBe(true);
  });

  it('replaces a kept-alive socket the server closed meanwhile, transparently', async () => {
    const { client, connections } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 2 });
      res.end('ok');
    });
    const first = await client.get('/o', { host: 'x' }, signal());
    await first.pipeTo(sink().out);
    server!.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await client.get('/o', { host: 'x' }, signal());
    const { out, bytes } = sink();
    await second.pipeTo(out);
    expect(bytes().toString()).toBe('ok');
    expect(connections.count).toBe(2);
  });

  it('a writable closed early stops the download and drops the connection', async () => {
    const data = body(1024 * KiB);
    const { client, connections } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    const answer = await client.get('/o', { host: 'x' }, signal());
    const leaving = new Writable({
      write(_chunk, _enc, done) {
        this.destroy();
        done();
      },
    });
    await answer.pipeTo(leaving);
    const next = await client.get('/o', { host: 'x' }, signal());
    const { out, bytes } = sink();
    await next.pipeTo(out);
    expect(bytes().equals(data)).toBe(true);
    expect(connections.count).toBe(2);
  });

  it('a body cut short destroys the writable and rejects', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 100 * KiB });
      res.write(body(KiB), () => res.socket?.destroy());
    });
    const answer = await client.get('/o', { host: 'x' }, signal());
    const { out } = sink();
    await expect(answer.pipeTo(out)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(out.destroyed).toBe(true);
  });

  it('a server that never answers times out as TimeoutError; an abort ends the wait', async () => {
    await serve(() => undefined);
    const slow = new PooledHttpGet({
      host: '127.0.0.1',
      port: (server!.address() as { port: number }).port,
      pool: new BufferPool(KiB, 1),
      connectionTimeoutMs: 1_000,
      socketTimeoutMs: 300,
    });
    try {
      await expect(slow.get('/o', { host: 'x' }, signal())).rejects.toMatchObject({ name: 'TimeoutError' });
      const abort = new AbortController();
      const pending = slow.get('/o', { host: 'x' }, abort.signal);
      abort.abort(new Error('gone'));
      await expect(pending).rejects.toThrow('gone');
    } finally {
      slow.destroy();
    }
  });

  it('relays into node:http responses byte-exact, keeps the viewer connection alive, and frames a response without a length', async () => {
    const data = body(3 * 1024 * KiB + 7);
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    // A relay as `/file` is: the store's answer written into a response (its socket, when it has a length).
    const viewerSockets = new Set<unknown>();
    const relay = createServer((req, res) => {
      viewerSockets.add(req.socket);
      void (async () => {
        const answer = await client.get('/o', { host: 'x' }, signal());
        res.setHeader('content-type', 'video/mp4');
        if (req.url !== '/chunked') res.setHeader('content-length', answer.length);
        await answer.pipeTo(res);
      })().catch(() => res.destroy());
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const { port } = relay.address() as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const fetchOnce = (path: string, slow = false) =>
      new Promise<{ bytes: Buffer; headers: IncomingHttpHeaders }>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            // A viewer that reads slowly: the relay must wait for it (backpressure), not drop bytes.
            if (slow) {
              res.pause();
              setTimeout(() => res.resume(), 1);
            }
          });
          res.on('end', () => resolve({ bytes: Buffer.concat(chunks), headers: res.headers }));
          res.on('error', reject);
        }).on('error', reject);
      });
    try {
      for (const [path, slow] of [
        ['/a', false],
        ['/b', true],
        ['/c', false],
      ] as const) {
        const got = await fetchOnce(path, slow);
        expect(got.headers['content-length']).toBe(String(data.length));
        expect(got.bytes.equals(data)).toBe(true);
      }
      expect(viewerSockets.size).toBe(1);
      const chunked = await fetchOnce('/chunked');
      expect(chunked.headers['transfer-encoding']).toBe('chunked');
      expect(chunked.bytes.equals(data)).toBe(true);
    } finally {
      agent.destroy();
      relay.closeAllConnections();
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('a viewer leaving mid-body (written to its socket) stops the download and frees the store connection', async () => {
    // More than loopback's socket buffers hold (a few MiB each way), so the viewer leaves mid-body.
    const data = Buffer.alloc(32 * 1024 * KiB, body(251));
    const { client, connections } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    let relayed: Promise<void> | undefined;
    const relay = createServer((_req, res) => {
      relayed = (async () => {
        const answer = await client.get('/o', { host: 'x' }, signal());
        res.setHeader('content-length', answer.length);
        await answer.pipeTo(res);
      })();
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const { port } = relay.address() as { port: number };
    try {
      await new Promise<void>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          // The first bytes arrived: the viewer goes away.
          res.once('data', () => {
            res.destroy();
            resolve();
          });
        }).on('error', reject);
      });
      // Settles (does not hang) once the viewer's socket closed.
      await relayed;
      const { out, bytes } = sink();
      await (await client.get('/o', { host: 'x' }, signal())).pipeTo(out);
      expect(bytes().equals(data)).toBe(true);
      // The cut download's connection was dropped, not reused half-read.
      expect(connections.count).toBe(2);
    } finally {
      relay.closeAllConnections();
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('refuses a chunked answer rather than misreading it', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.end('abc');
    });
    await expect(client.get('/o', { host: 'x' }, signal())).rejects.toMatchObject({ code: 'EPROTO' });
  });

  it('reads the status of an error answer it cannot frame (a chunked 503), then drops the connection', async () => {
    const { client, connections } = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<Error><Code>SlowDown</Code></Error>');
    });
    const first = await client.get('/o', { host: 'x' }, signal());
    expect(first.status).toBe(503);
    first.discard();
    // Its body was never read: the next request goes on a new connection, and is read alike.
    expect((await client.get('/o', { host: 'x' }, signal())).status).toBe(503);
    expect(connections.count).toBe(2);
  });
});

describe('parseHead', () => {
  it('reads the status, lower-cased headers and the length', () => {
    expect(parseHead('HTTP/1.1 206 Partial Content\r\nContent-Length: 12\r\nETag: "x"')).toEqual({
      status: 206,
      headers: new Map([
        ['content-length', '12'],
        ['etag', '"x"'],
      ]),
      length: 12,
    });
  });

  it('takes no body for 304, and refuses heads it cannot frame', () => {
    expect(parseHead('HTTP/1.1 304 Not Modified\r\nETag: "x"')?.length).toBe(0);
    expect(parseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked')).toBeNull();
    expect(parseHead('HTTP/1.1 503 Slow Down\r\nTransfer-Encoding: chunked')).toMatchObject({
      status: 503,
      length: 0,
      unread: true,
    });
    expect(parseHead('HTTP/1.1 502 Bad Gateway\r\nConnection: close')).toMatchObject({
      status: 502,
      unread: true,
    });
    expect(parseHead('HTTP/1.1 200 OK\r\nContent-Length: -1')).toBeNull();
    expect(parseHead('HTTP/1.1 200 OK')).toBeNull();
    expect(parseHead('SSH-2.0')).toBeNull();
  });
});
