import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The dashboard's CSP: its own scripts and styles, the API and socket.io on the same origin,
 * media and hls.js workers from blob: URLs, images from signed delivery URLs (same origin).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Lit's static styles use constructable stylesheets; the player may set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Pages of the single-page app: each answers index.html (views are chosen client-side). */
const APP_PAGES = ['/', '/index.html', '/accept-invite'];

export interface DashboardRoutesDeps {
  /** The Vite build output (examples/admin-dashboard/dist). */
  distDir: string;
}

/**
 * Serves the built admin dashboard at `/` on the API's own origin, so the browser sends the
 * session cookies and the CSRF cookie is readable without any CORS. Hashed `/assets/*` are
 * immutable; pages are revalidated. Without a build, pages answer 503 with how to build it.
 */
export function dashboardRoutes(deps: DashboardRoutesDeps): Router {
  const root = resolve(deps.distDir);
  const router = new Router();

  async function send(ctx: Context, relative: string, cache: string): Promise<boolean> {
    const file = resolve(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) return false;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    ctx.set('Content-Security-Policy', DASHBOARD_CSP);
    ctx.set('Cache-Control', cache);
    ctx.set('Last-Modified', info.mtime.toUTCString());
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.length = info.size;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return true;
    }
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
    return true;
  }

  for (const page of APP_PAGES) {
    router.get(page, async (ctx) => {
      if (await send(ctx, 'index.html', 'no-cache')) return;
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The dashboard is not built: run `npm run build:dashboard` (npm start does it for you).\n';
    });
  }
  router.get('/assets/:file', async (ctx) => {
    const name = ctx.params.file ?? '';
    // Vite's names: letters, digits, dash, underscore, dots; nothing else is ever asked for.
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return;
    await send(ctx, join('assets', name), 'public, max-age=31536000, immutable');
  });
  return router;
}
