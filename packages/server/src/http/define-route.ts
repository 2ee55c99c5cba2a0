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
  /**
   * Content types of a success body that is not JSON (a file, a playlist): the docs list them
   * instead of `application/json`.
   */
  produces?: readonly string[];
  /**
   * Statuses the route answers besides `status` and the errors every route of its kind may give
   * (400 for bad input, 401/403 for credentials, 404 for a path id, 413/415 for a body, 429, 500),
   * with what each means: a 2xx/3xx is described as is, a 4xx/5xx as problem+json.
   */
  answers?: Readonly<Record<number, string>>;
  /** Request headers the route reads (tus), documented as header parameters. */
  requestHeaders?: readonly HeaderSpec[];
  /** Headers of the success answer, by name, with what they say. */
  responseHeaders?: Readonly<Record<string, string>>;
  /** A request body that is not JSON (multipart, tus bytes): the server streams and checks it itself. */
  rawBody?: {
    contentType: string;
    description: string;
    schema: Record<string, unknown>;
    /** False when the body may be absent (tus creation-with-upload). @defaultValue true */
    required?: boolean;
  };
  /** Limit of the JSON body when it differs from the server's `JSON_BODY_LIMIT`. */
  bodyLimit?: string;
}

/** A request header a route reads. */
export interface HeaderSpec {
  name: string;
  required: boolean;
  description: string;
  /** JSON Schema of the value; a string when absent. */
  schema?: Record<string, unknown>;
}

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
}

export interface RouteDef<B = unknown, Q = unknown> extends RouteSpec {
  handler: (ctx: Context, input: RouteInput<B, Q>) => Promise<void> | void;
  /** Middleware run before validation and authentication (e.g. tus's `Tus-Resumable` check). */
  before?: Middleware[];
  /**
   * Authentication in place of the API's (e.g. a playback token in `?token=` for `<video src>`);
   * `authorize(auth)` still follows it.
   */
  authenticate?: Middleware;
}

/** How a route is mounted, beyond what it is (not part of the route table). */
export interface MountOptions {
  before?: Middleware[];
  authenticate?: Middleware;
}

/** Declares a route with typed, validated input. */
export function defineRoute<
  BS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
>(
  spec: Omit<RouteSpec, 'body' | 'query'> & { body?: BS; query?: QS } & MountOptions,
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
    const chain: Middleware[] = [...(route.before ?? [])];
    if (route.body) chain.push(jsonBody(route.bodyLimit ?? deps.jsonLimit));
    if (route.body || route.query) {
      chain.push(async (ctx, next) => {
        ctx.state.input = {
          body: route.body ? parseOr400(route.body, ctx.request.body ?? {}, 'request body') : undefined,
          query: route.query ? parseOr400(route.query, ctx.query, 'query string') : undefined,
        };
        await next();
      });
    }
    if (route.auth !== 'public')
      chain.push(route.authenticate ?? deps.authenticate, deps.authorize(route.auth));
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
  return routes.map(({ handler: _handler, before: _before, authenticate: _authenticate, ...spec }) => spec);
}
