import { ERROR_CODES, problemTypeUrl, type ErrorCode, type ProblemDetails } from '@reelkit/protocol';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { AppError } from './app-error.js';
import { asDependencyOutage, DEPENDENCY_RETRY_AFTER_S } from './dependency-outage.js';
import { asStorageAnswer } from './storage-answers.js';

/** Headers about a representation the route was about to send, dropped from an error answer. */
const REPRESENTATION_HEADERS = [
  'Cache-Control',
  'ETag',
  'Last-Modified',
  'Content-Range',
  'Content-Disposition',
];

/** Errors from Koa, koa-body or raw-body carry `status`/`expose`; map the common ones to our codes. */
function fromHttpError(err: {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  type?: string;
}) {
  const status = err.status ?? err.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 599) return undefined;
  const byStatus: Record<number, ErrorCode> = {
    400:
      err.type === 'entity.parse.failed' || /json/i.test(err.message ?? '')
        ? 'invalid_json'
        : 'validation_failed',
    404: 'not_found',
    405: 'method_not_allowed',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
    503: 'service_unavailable',
  };
  const code = byStatus[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
  return new AppError(code, err.expose ? err.message : undefined, { status });
}

/**
 * Every error becomes `application/problem+json` with a stable `code`. Stack traces and internal
 * messages are shown only in development; 5xx are logged with the request id. The `type` URL is
 * the code's anchor on the API's own `/docs/errors` page (`publicUrl`, else the request's origin).
 */
export function errorHandler(options: {
  logger: Logger;
  development: boolean;
  publicUrl?: string;
}): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new AppError('not_found', `No route for ${ctx.method} ${ctx.path}`);
    } catch (raw) {
      const err = raw as Error & Record<string, unknown>;
      const appError =
        err instanceof AppError
          ? err
          : (asStorageAnswer(err) ?? asDependencyOutage(err) ?? fromHttpError(err));
      const status = appError?.status ?? 500;
      const code: ErrorCode = appError?.code ?? 'internal_error';
      const requestId = ctx.state.requestId as string | undefined;
      if (status >= 500)
        options.logger.error({ err, requestId, method: ctx.method, path: ctx.path }, 'request failed');
      const body: ProblemDetails & { stack?: string } = {
        // Not ctx.origin: since Koa 3.1 that is the request's Origin header, null without one.
        type: problemTypeUrl(options.publicUrl ?? `${ctx.protocol}://${ctx.host}`, code),
        title: ERROR_CODES[code].title,
        status,
        code,
        ...(requestId ? { requestId } : {}),
      };
      if (appError) body.detail = appError.message;
      else if (options.development) body.detail = err.message;
      if (appError?.errors) body.errors = appError.errors;
      if (options.development && status >= 500 && err.stack) body.stack = err.stack;
      // The route may have described the file it meant to send (validators, a year of caching):
      // none of that is true of this problem document, which no cache should keep.
      for (const name of REPRESENTATION_HEADERS) ctx.remove(name);
      ctx.set('Cache-Control', 'no-store');
      for (const [k, v] of Object.entries(appError?.headers ?? {})) ctx.set(k, v);
      // Every 503 says when to come back, whichever code path raised it (RFC 9110 §15.6.4).
      if (status === 503 && !ctx.response.get('Retry-After'))
        ctx.set('Retry-After', String(DEPENDENCY_RETRY_AFTER_S));
      ctx.status = status;
      ctx.type = 'application/problem+json';
      ctx.body = body;
    }
  };
}
