import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface RunningServer {
  server: Server;
  /** `http://host:port` actually bound (useful with port 0). */
  url: string;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish, close idle keep-alive
   * sockets at once, and cut whatever is still open after `timeoutMs`. Safe to call twice.
   */
  close(timeoutMs: number): Promise<{ forced: boolean }>;
}

/**
 * How long the HTTP server waits on a client, so slow or stalled clients (slowloris) cannot pin
 * connections. Node's defaults checked only every 30 s and allowed a 5-minute request.
 */
export interface HttpTimeouts {
  /**
   * All request headers must arrive within this time from the connection's first byte, or the
   * connection is closed (408). A client that sends headers a byte at a time is cut here.
   * @defaultValue 20_000
   */
  headersTimeoutMs: number;
  /**
   * A connection on which nothing is received or sent for this long is destroyed: the idle bound
   * of every request, including an upload whose body stops coming (tus resumes it later).
   * @defaultValue 120_000
   */
  idleTimeoutMs: number;
  /**
   * An idle keep-alive connection is closed after this long without a new request.
   * @defaultValue 5_000
   */
  keepAliveTimeoutMs: number;
  /**
   * How often Node checks the headers bound (its own default is 30 s, which would let a slowloris
   * hold a connection up to 50 s).
   * @defaultValue 1_000
   */
  checkEveryMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  checkEveryMs: 1_000,
});

export async function listen(
  app: Koa,
  port: number,
  host: string,
  timeouts: Partial<HttpTimeouts> = {},
): Promise<RunningServer> {
  const t = { ...DEFAULT_HTTP_TIMEOUTS, ...timeouts };
  const server = createServer({ connectionsCheckingInterval: t.checkEveryMs }, app.callback());
  server.headersTimeout = t.headersTimeoutMs;
  // No bound on a whole request: a large upload on a slow link may take hours while it keeps
  // moving; the idle bound below cuts one that stops.
  server.requestTimeout = 0;
  server.timeout = t.idleTimeoutMs;
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<{ forced: boolean }> | undefined;
  return {
    server,
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close(timeoutMs) {
      closing ??= new Promise((resolve) => {
        let forced = false;
        const timer = setTimeout(() => {
          forced = true;
          server.closeAllConnections();
        }, timeoutMs);
        timer.unref();
        // Keep-alive sockets become idle as their last response ends; close them as they do
        // instead of waiting for the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweep);
          resolve({ forced });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
