// Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
// downloaded browser), a fresh profile per launch, and a small static server on 127.0.0.1 that
// serves the built SDK IIFE plus whatever routes a test adds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.REELKIT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Tests start playback without a user gesture.
  '--autoplay-policy=no-user-gesture-required',
];

export const SDK_IIFE = fileURLToPath(
  new URL('../../packages/player-sdk/dist/reelkit.iife.min.js', import.meta.url),
);

export interface TestBrowser {
  context: BrowserContext;
  /** Every console message and page error, for failure messages. */
  logs: string[];
  /** A new page at `url`. */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile (removed on close). */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'reelkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 30_000,
  });
  const logs: string[] = [];
  context.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  context.on('weberror', (e) => logs.push(`[pageerror] ${e.error().message}`));
  return {
    context,
    logs,
    async open(url) {
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A route handler: return false to let the next handler (or the 404) answer. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface StaticServer {
  url: string;
  /** Every request as `METHOD /path?query`. */
  requests: string[];
  close(): Promise<void>;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>reelkit test</title>
<video id="v" muted playsinline width="640" height="360"></video>
<script src="/reelkit.iife.min.js"></script>`;

/**
 * Serves `/` (a page with a `<video id="v">` and the SDK as `window.Reelkit`),
 * `/reelkit.iife.min.js`, and the test's own `handlers`, in order.
 */
export async function startStaticServer(handlers: Handler[] = []): Promise<StaticServer> {
  const requests: string[] = [];
  const sdk = readFileSync(SDK_IIFE);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    void (async () => {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
        return;
      }
      if (url.pathname === '/reelkit.iife.min.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
        return;
      }
      for (const handle of handlers) if (await handle(req, res, url)) return;
      res.writeHead(404).end();
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
