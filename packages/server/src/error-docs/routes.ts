import { createHash } from 'node:crypto';
import Router from '@koa/router';
import { ERROR_DOCS_PATH } from '@reelkit/protocol';
import { errorReference } from './error-reference.js';
import { ERRORS_PAGE_CSS, renderErrorsPage } from './render-errors-page.js';

/**
 * `GET /docs/errors`: the page every problem `type` URL points into (one anchor per code), public,
 * script-free, rendered once at mount time.
 */
export function errorDocsRoutes(): Router {
  const page = renderErrorsPage(errorReference());
  const styleHash = createHash('sha256').update(ERRORS_PAGE_CSS).digest('base64');
  const router = new Router();
  router.get(ERROR_DOCS_PATH, (ctx) => {
    // The API's CSP is `default-src 'none'`; this page needs its one stylesheet and nothing else.
    ctx.set(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'sha256-${styleHash}'; frame-ancestors 'none'`,
    );
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  return router;
}
