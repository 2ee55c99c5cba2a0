import type Router from '@koa/router';
import type { Role } from '@reelkit/protocol';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { jsonBody } from './json-body.js';
import { parseOr400 } from './validate.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';

/**
 * What a route is, as data: the router mounts it, the security tests iterate over every route
 * with every auth case, and the API docs are generated from the same schemas.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** Koa-router path, e.g. `/v1/users/:id`. */
  path: string;
  /** `public`, or the least role that may call it. */
  auth: 'public' | Role;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** The success status, for docs and tests. */
  status: number;
  /**
   * The JSON body of the success answer, as a zod schema: the OpenAPI document describes it and
   * the route-matrix test checks every real answer against it. Routes that answer 204, HEAD or a
   * non-JSON body (files, playlists, HTML) have none.
   */
  response?: z.ZodType;
}

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
}

export interface RouteDef<B = unknown, Q = unknown> extends RouteSpec {
  handler: (ctx: Context, input: RouteInput<B, Q>) => Promise<void> | void;
}

/** Declares a route with typed, validated input. */
export function defineRoute<
  BS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
>(
  spec: Omit<RouteSpec, 'body' | 'query'> & { body?: BS; query?: QS },
  handler: (
    ctx: Context,
    input: RouteInput<
      BS extends z.ZodType ? z.output<BS> : undefined,
      QS extends z.ZodType ? z.output<QS> : undefined
    >,
  ) => Promise<void> | void,
): RouteDef {
  return { ...spec, handler: handler as RouteDef['handler'] } as RouteDef;
}

export interface MountDeps {
  authenticate: Middleware;
  authorize: (minimum: Role) => Middleware;
  jsonLimit: string;
}

/**
 * Mounts routes in the documented order: body size limit + parsing → zod validation →
 * authenticate → authorize(role) → handler (which loads org-scoped resources). Validation before
 * authentication means a malformed body is a 400 even without a token; schemas are public anyway.
 */
export function mountRoutes(router: Router, routes: RouteDef[], deps: MountDeps): RouteSpec[] {
  for (const route of routes) {
    const chain: Middleware[] = [];
    if (route.body) chain.push(jsonBody(deps.jsonLimit));
    if (route.body || route.query) {
      chain.push(async (ctx, next) => {
        ctx.state.input = {
          body: route.body ? parseOr400(route.body, ctx.request.body ?? {}, 'request body') : undefined,
          query: route.query ? parseOr400(route.query, ctx.query, 'query string') : undefined,
        };
        await next();
      });
    }
    if (route.auth !== 'public') chain.push(deps.authenticate, deps.authorize(route.auth));
    chain.push(async (ctx) => {
      const input = (ctx.state.input as RouteInput<unknown, unknown> | undefined) ?? {
        body: undefined,
        query: undefined,
      };
      await route.handler(ctx, input);
      if (ctx.status === 404 && ctx.body === undefined) ctx.status = route.status;
    });
    router[route.method](route.path, ...chain);
  }
  return routes.map(({ handler: _handler, ...spec }) => spec);
}
