// Realtime attached to its own HTTP server next to a test API (sharing its tokens, models,
// database and Redis), as main.ts attaches it to the API's server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { attachRealtime, type Realtime } from '../../src/events/index.js';
import type { TestApi } from '../../../../test/support/api-server.js';

export interface RealtimeTestServer {
  url: string;
  realtime: Realtime;
  close(): Promise<void>;
}

export async function startRealtimeTestServer(
  api: TestApi,
  options: {
    now?: () => number;
    /** Listen here (to restart a server on the same address); default a free port. */ port?: number;
  } = {},
): Promise<RealtimeTestServer> {
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const realtime = attachRealtime({
    server,
    reelkit: api.reelkit,
    db: api.db,
    redis: api.redis,
    config: api.config,
    logger: pino({ level: 'silent' }),
    ...(options.now ? { now: options.now } : {}),
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    realtime,
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
