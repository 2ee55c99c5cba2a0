// Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
// downloaded browser), and small static servers on 127.0.0.1 for test pages. Two shapes:
// - `launchBrowser` (a persistent context with a fresh profile) + `startStaticServer` (a page with
//   the built SDK as `window.Reelkit`, plus route handlers);
// - `launchChromium` (a plain `Browser`) + `serveSite` (pages from memory, files from disk).
// test/support/chromium.ts re-exports the second shape for older imports.
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.REELKIT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
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

function launchFailed(err: unknown): Error {
  return new Error(
    `could not start ${CHROMIUM} (npm test installs Debian's chromium as root): ${(err as Error).message}`,
  );
}

/** A plain Chromium browser (pages share nothing unless they share a context), with `extraArgs`. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      headless: true,
    });
  } catch (err) {
    throw launchFailed(err);
  }
}

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
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw launchFailed(err);
  }
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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
  '.map': 'application/json',
  '.mp4': 'video/mp4',
};

/** Streams a file from disk (404 when it is missing). */
export function sendFile(res: ServerResponse, file: string): void {
  stat(file).then(
    (s) => {
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': s.size,
      });
      createReadStream(file).pipe(res);
    },
    () => res.writeHead(404).end(),
  );
}

async function listenLocal(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
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
  return { requests, ...(await listenLocal(server)) };
}

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves pages from memory and files from disk on 127.0.0.1 (a different origin from the API):
 * `pages` maps a path to HTML, `files` maps a path to a file on disk.
 */
export async function serveSite(
  pages: Record<string, string>,
  files: Record<string, string> = {},
): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = pages[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    const file = files[path];
    if (!file) res.writeHead(404).end();
    else sendFile(res, file);
  });
  return listenLocal(server);
}
