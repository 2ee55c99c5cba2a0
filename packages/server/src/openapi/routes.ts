import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { RouteSpec } from '../http/define-route.js';
import { buildOpenApi, type BuildOpenApiOptions, type OpenApiDocument } from './build-openapi.js';
import { REFERENCE_CSS, renderReference } from './render-reference.js';

/** The route this module adds to the API, so the document describes itself too. */
export const OPENAPI_ROUTE_SPECS: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/openapi.json',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    status: 200,
    produces: ['application/json'],
  },
];

export interface OpenApiRoutesDeps extends BuildOpenApiOptions {
  /** Every `/v1` route of the app (`createApp(...).routes`). */
  routes: readonly RouteSpec[];
}

/**
 * `GET /v1/openapi.json` (the document) and `GET /docs` (a readable, script-free HTML reference).
 * The document is built once, at mount time, from the route table.
 */
export function openApiRoutes(deps: OpenApiRoutesDeps): Router & { document: OpenApiDocument } {
  const { routes, ...options } = deps;
  const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
  const all = [...routes, ...OPENAPI_ROUTE_SPECS.filter((r) => !known.has(`${r.method} ${r.path}`))];
  const document = buildOpenApi(all, options);
  const body = JSON.stringify(document);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const page = renderReference(document);
  const styleHash = createHash('sha256').update(REFERENCE_CSS).digest('base64');

  const router = new Router() as Router & { document: OpenApiDocument };
  router.document = document;
  router.get('/v1/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('ETag', etag);
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/json';
    ctx.body = body;
  });
  router.get('/docs', (ctx) => {
    // The API's CSP is `default-src 'none'`; this page needs its one stylesheet and nothing else.
    ctx.set(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'sha256-${styleHash}'; frame-ancestors 'none'`,
    );
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  return router;
}
