import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { AppError } from './app-error.js';

/**
 * JSON bodies only, at most `limit`, strict (objects and arrays). A body in any other content type
 * gets 415, which also stops cross-site HTML forms (they cannot send application/json). Multipart
 * uploads use their own streaming parser, not this one.
 */
export function jsonBody(limit: string): Middleware {
  const parse = koaBody({
    json: true,
    jsonStrict: true,
    jsonLimit: limit,
    multipart: false,
    urlencoded: false,
    text: false,
  });
  return async (ctx, next) => {
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    if (hasBody && !ctx.is('application/json')) {
      throw new AppError('unsupported_media_type', 'Send the body as application/json');
    }
    if (!hasBody) {
      ctx.request.body = {};
      return next();
    }
    return parse(ctx, next);
  };
}
