// A TCP proxy in front of a real server that can cut one connection in the middle of a request
// body and then stay down for a moment, the way a dropped Wi-Fi does: the client sees a reset, the
// server an aborted request with part of the body, and whatever the client sends while the network
// is down is reset too (so a browser's silent re-send of the request fails as well and the
// application's own recovery runs). Nothing is parsed beyond request lines.
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  /** `http://127.0.0.1:<port>`, to use instead of the server's URL. */
  url: string;
  /** Request lines seen, in order (`PATCH /v1/uploads/…`), and `CUT` where a connection was cut. */
  requests: string[];
  /**
   * Cuts the next request whose line matches `line` once `afterBytes` bytes of it went through,
   * then resets every connection and every byte sent for `downMs`; resolves at the cut.
   */
  cutNext(line: RegExp, afterBytes: number, downMs?: number): Promise<void>;
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)((?:GET|HEAD|POST|PATCH|PUT|DELETE|OPTIONS) \S+) HTTP\/1\.1\r\n/g;

export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let armed: { line: RegExp; afterBytes: number; downMs: number; done: () => void } | undefined;
  let downUntil = 0;
  const down = () => Date.now() < downUntil;

  const server = createServer((client) => {
    if (down()) {
      requests.push('RESET');
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    // Bytes of the watched request's body (headers included: close enough) seen so far.
    let watched: { seen: number; afterBytes: number; downMs: number; done: () => void } | undefined;
    client.on('data', (chunk: Buffer) => {
      if (down()) {
        requests.push('RESET');
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      const text = chunk.toString('latin1');
      for (const m of text.matchAll(REQUEST_LINE)) {
        requests.push(m[1]!);
        if (armed && armed.line.test(m[1]!)) {
          watched = { ...armed, seen: -(m.index + m[0].length) };
          armed = undefined;
        }
      }
      if (watched) {
        watched.seen += chunk.length;
        if (watched.seen >= watched.afterBytes) {
          requests.push('CUT');
          downUntil = Date.now() + watched.downMs;
          client.resetAndDestroy();
          upstream.destroy();
          watched.done();
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    cutNext(line, afterBytes, downMs = 0) {
      return new Promise((resolve) => (armed = { line, afterBytes, downMs, done: resolve }));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
