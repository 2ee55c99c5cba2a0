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

export async function listen(app: Koa, port: number, host: string): Promise<RunningServer> {
  const server = createServer(app.callback());
  // A request that stalls must not hold a worker forever; slow uploads use their own limits.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;
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
