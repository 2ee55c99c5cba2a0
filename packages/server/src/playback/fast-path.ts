import type { Context, Middleware } from 'koa';

/** The route the fast path stands in for (metrics label it like the router would). */
export const SIGNED_DELIVERY_ROUTE = '/v1/play/:token/:videoId/*path';
const PREFIX = '/v1/play/';

export interface SignedDeliveryRequest {
  token: string;
  videoId: string;
  /** Below the video's folder, still percent-encoded (checked by `parseDeliveryPath`). */
  rawPath: string;
}

/**
 * Whether a request is one the fast path answers: a GET or HEAD of `/v1/play/<token>/<id>/<path>`
 * without any percent-encoding (our tokens, ids and file names never need it). Everything else —
 * OPTIONS, other methods, encoded paths, a missing part — goes through the general chain, which
 * answers it exactly as before.
 */
export function matchSignedDelivery(method: string, path: string): SignedDeliveryRequest | null {
  if ((method !== 'GET' && method !== 'HEAD') || !path.startsWith(PREFIX) || path.includes('%')) return null;
  const tokenEnd = path.indexOf('/', PREFIX.length);
  if (tokenEnd <= PREFIX.length) return null;
  const idEnd = path.indexOf('/', tokenEnd + 1);
  if (idEnd <= tokenEnd + 1 || idEnd === path.length - 1) return null;
  return {
    token: path.slice(PREFIX.length, tokenEnd),
    videoId: path.slice(tokenEnd + 1, idEnd),
    rawPath: path.slice(idEnd + 1),
  };
}

/**
 * Signed delivery ahead of the general middleware chain. Every viewer fetches a segment every few
 * seconds, and a segment needs none of what the chain does for the API (helmet's dozen
 * middlewares, the API's CORS allow-list, the per-IP rate limit — delivery is exempt from it —, the
 * CSRF guard, the router's walk over ~80 routes): the request is matched by prefix, the fixed
 * security headers are copied from a list computed once, and `serve` is the route's own handler,
 * so checks and answers are the route's. Mounted after the request id and the error handler, so
 * refusals are the same problem documents with the same request id.
 */
export function signedDeliveryFastPath(options: {
  securityHeaders: ReadonlyArray<[string, string]>;
  serve: (ctx: Context, request: SignedDeliveryRequest) => Promise<void>;
}): Middleware {
  const { securityHeaders, serve } = options;
  return async (ctx, next) => {
    const request = matchSignedDelivery(ctx.method, ctx.path);
    if (!request) return next();
    (ctx as unknown as { _matchedRoute?: string })._matchedRoute = SIGNED_DELIVERY_ROUTE;
    for (const [name, value] of securityHeaders) ctx.set(name, value);
    await serve(ctx, request);
  };
}
