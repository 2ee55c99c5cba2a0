import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

/**
 * Security headers for an API that answers JSON: nothing may be framed or executed from its
 * responses. Pages the server renders (embed, docs) set their own CSP.
 */
export function securityHeaders(options: { production: boolean }): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: options.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  }) as unknown as Middleware;
}
