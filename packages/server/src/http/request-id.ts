import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const ACCEPTABLE = /^[A-Za-z0-9._-]{8,64}$/;

/** A well-formed incoming `X-Request-Id` (from a trusted proxy), or a new one. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
}

/** Takes a well-formed `X-Request-Id` from a trusted proxy or makes one; echoes it on the response. */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const id = requestIdOf(ctx.get('x-request-id'));
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
