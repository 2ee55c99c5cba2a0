import type { Middleware } from 'koa';

const ALLOWED_HEADERS =
  'Authorization, Content-Type, X-CSRF-Token, X-Request-Id, Tus-Resumable, Upload-Length, Upload-Offset, Upload-Metadata, Upload-Defer-Length, Upload-Concat, X-HTTP-Method-Override';
const EXPOSED_HEADERS =
  'X-Request-Id, Retry-After, Location, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, Tus-Resumable, Tus-Version, Tus-Max-Size, Tus-Extension, Content-Range, Accept-Ranges, ETag, Reelkit-Video-Id';

/**
 * CORS for the API: only origins in the allow-list get CORS headers, with credentials (cookies).
 * Every other origin gets none, so a browser on another site cannot read responses. Servers using
 * API keys do not need CORS at all. Preflights from allowed origins answer 204.
 */
export function cors(allowedOrigins: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    ctx.vary('Origin');
    if (!origin || !allowedOrigins.has(origin)) return next();
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    return next();
  };
}
