// The admin dashboard as the API serves it (built by Vite from source into a temporary folder),
// on a real API with realtime attached, and Chromium to open it: the start every dashboard
// browser test shares. `stop()` closes what started, in reverse order.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { build } from 'vite';
import { dashboardRoutes } from '../../packages/server/src/dashboard/index.js';
import { attachRealtime } from '../../packages/server/src/events/index.js';
import { listen } from '../../packages/server/src/index.js';
import { openApiRoutes } from '../../packages/server/src/openapi/index.js';
import { freePort, PASSWORD, startTestApi, type TestApi } from './api-server.js';
import { launchChromium } from './browser.js';
import { repoRoot } from './processes.js';

export interface DashboardServer {
  /** The API's (and the dashboard's) origin. */
  base: string;
  api: TestApi;
  browser: Browser;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  /** Also serve the OpenAPI document and reference (`/v1/openapi.json`, `/docs`), as main.ts does. */
  openApi?: boolean;
  /** Apply transcode results (for a test with a worker), as main.ts does. */
  results?: boolean;
}

/** Builds the dashboard, starts the API serving it at `/` with realtime, and launches Chromium. */
export async function startDashboard(options: DashboardOptions = {}): Promise<DashboardServer> {
  const distDir = mkdtempSync(join(tmpdir(), 'reelkit-dashboard-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const closers: Array<() => Promise<unknown>> = [
    async () => rmSync(distDir, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    const [, api, browser] = await Promise.allSettled([
      build({
        configFile: join(repoRoot, 'examples/admin-dashboard/vite.config.ts'),
        build: { outDir: distDir, emptyOutDir: true, sourcemap: false },
        logLevel: 'warn',
      }),
      startTestApi({ PUBLIC_URL: base, DASHBOARD_URL: `${base}/` }).then((a) => {
        closers.push(() => a.close());
        return a;
      }),
      launchChromium().then((b) => {
        closers.push(() => b.close());
        return b;
      }),
    ]).then((all) => {
      for (const r of all) if (r.status === 'rejected') throw r.reason;
      return all.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [unknown, TestApi, Browser];
    });
    // Mounted before listening: Koa composes its middleware once, when the server starts.
    if (options.openApi) api.reelkit.app.use(openApiRoutes({ routes: api.reelkit.routes }).routes());
    api.reelkit.app.use(dashboardRoutes({ distDir }).routes());
    const served = await listen(api.reelkit.app, port, '127.0.0.1');
    closers.push(() => served.close(1000));
    const realtime = attachRealtime({
      server: served.server,
      reelkit: api.reelkit,
      db: api.db,
      redis: api.redis,
      config: api.config,
      logger: pino({ level: 'silent' }),
    });
    closers.push(() => realtime.close());
    if (options.results) {
      await api.reelkit.results.start();
      closers.push(() => api.reelkit.results.close());
    }
    return { base, api, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Logs `email` in on the dashboard's login form and waits for the library. */
export async function logIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Videos' }).waitFor();
}
