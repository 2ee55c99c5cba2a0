// The webhook routes mounted the way createApp mounts every /v1 route (request id → problem+json
// errors → body parsing → validation → authenticate → authorize), next to a test API whose tokens
// and accounts they share. Each instance gets its own queue prefix so deliveries of one test's
// worker never reach another's.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { pino } from 'pino';
import { cookieNames } from '../../src/auth/cookies.js';
import type { ServerConfig } from '../../src/config.js';
import { authorize, createAuthenticate } from '../../src/http/authenticate.js';
import { mountRoutes } from '../../src/http/define-route.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { createRateLimiter } from '../../src/http/rate-limit.js';
import { requestId } from '../../src/http/request-id.js';
import { listen } from '../../src/listen.js';
import { createWebhooks, type LookupAll, type Webhooks } from '../../src/webhooks/index.js';
import type { TestApi } from '../../../../test/support/api-server.js';
import { allowedMethods } from '../../src/http/allowed-methods.js';

export interface WebhookTestApi {
  url: string;
  config: ServerConfig;
  webhooks: Webhooks;
  close(): Promise<void>;
}

let instances = 0;

export async function startWebhookTestApi(
  api: TestApi,
  overrides: Partial<ServerConfig> = {},
  options: { lookup?: LookupAll } = {},
): Promise<WebhookTestApi> {
  instances += 1;
  const config: ServerConfig = {
    ...api.config,
    REDIS_PREFIX: `${api.config.REDIS_PREFIX}-w${process.pid.toString(36)}${instances}`,
    WEBHOOK_BACKOFF_MS: 50,
    WEBHOOK_MAX_ATTEMPTS: 3,
    WEBHOOK_TIMEOUT_MS: 2_000,
    ...overrides,
  };
  const logger = pino({ level: 'silent' });
  const webhooks = createWebhooks({ db: api.db, redis: api.redis, config, logger, ...options });
  const app = new Koa();
  app.silent = true;
  app.use(requestId());
  app.use(errorHandler({ logger, development: false }));
  const router = new Router();
  mountRoutes(router, webhooks.routes, {
    authenticate: createAuthenticate({
      models: api.reelkit.models,
      tokens: api.reelkit.tokens,
      cookies: cookieNames(false),
      limiter: createRateLimiter(api.redis, config.REDIS_PREFIX),
      limit: { max: 100_000, windowMs: 60_000 },
    }),
    authorize,
    jsonLimit: config.JSON_BODY_LIMIT,
  });
  app.use(router.routes());
  app.use(allowedMethods(router));
  const running = await listen(app, 0, '127.0.0.1');
  return {
    url: running.url,
    config,
    webhooks,
    async close() {
      await webhooks.close();
      await running.close(1_000);
    },
  };
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedHook[];
  /** Resolves once `n` requests arrived. */
  waitForCount(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 answering the given statuses in turn (the last one repeats). */
export async function startReceiver(statuses: number[]): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/reelkit`,
    received,
    async waitForCount(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`receiver got ${received.length} of ${n} requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
