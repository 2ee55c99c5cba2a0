import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';

/**
 * A router's 405 as problem+json with `Allow` (RFC 9110 §15.5.6). A method the router has never
 * heard of (TRACE, PROPFIND, …) on one of its paths is a 405 too, not @koa/router's 501: the
 * resource exists and says which methods it takes; nothing failed on our side.
 */
export function allowedMethods(router: Router): Middleware {
  // Koa's own Middleware type: app.use() gives it the plain context, as it does the router's.
  const inner = router.allowedMethods() as unknown as Middleware;
  return async (ctx, next) => {
    await inner(ctx, next);
    if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) {
      const allow = ctx.response.get('Allow');
      throw new AppError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, {
        headers: { Allow: allow },
      });
    }
  };
}
