// The OpenAPI document describes every /v1 route the running app really serves, and is 3.1-shaped.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { listen, type RunningServer } from '../../src/index.js';
import {
  openApiRoutes,
  toOpenApiPath,
  type JsonObject,
  type OpenApiDocument,
} from '../../src/openapi/index.js';

let api: TestApi;
/** The app served again after mounting (Koa composes its middleware when it starts listening). */
let served: RunningServer;
let doc: OpenApiDocument;

/** The routers createApp (and anyone after it) mounted with `app.use(router.routes())`. */
function mountedRouters(middleware: Middleware[]): Router[] {
  return middleware.flatMap((m) => {
    const router = (m as Middleware & { router?: Router }).router;
    return router ? [router] : [];
  });
}

/** `method path` of every /v1 endpoint registered on the app (OPTIONS and GET's implicit HEAD aside). */
function registeredOperations(middleware: Middleware[]): Set<string> {
  const ops = new Set<string>();
  for (const router of mountedRouters(middleware)) {
    for (const layer of router.stack) {
      const path = String(layer.path);
      if (!path.startsWith('/v1/') || layer.methods.length === 0) continue;
      const methods = layer.methods.map((m) => m.toLowerCase());
      for (const method of methods) {
        if (method === 'options') continue;
        if (method === 'head' && methods.includes('get')) continue;
        ops.add(`${method} ${toOpenApiPath(path).path}`);
      }
    }
  }
  return ops;
}

function documentedOperations(d: OpenApiDocument): Set<string> {
  const ops = new Set<string>();
  for (const [path, item] of Object.entries(d.paths))
    for (const method of Object.keys(item)) ops.add(`${method} ${path}`);
  return ops;
}

function collectRefs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else collectRefs(v, into);
    }
  }
  return into;
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

beforeAll(async () => {
  api = await startTestApi();
  const app = api.reelkit.app;
  // Until the lead wires openApiRoutes into createApp, mount it here the way app.ts will.
  const wired = mountedRouters(app.middleware).some((r) =>
    r.stack.some((l) => l.path === '/v1/openapi.json'),
  );
  if (!wired) app.use(openApiRoutes({ routes: api.reelkit.routes }).routes());
  served = await listen(app, 0, '127.0.0.1');
  doc = (await call(served.url, 'GET', '/v1/openapi.json')).body as OpenApiDocument;
});

afterAll(async () => {
  await served?.close(1000);
  await api?.close();
});

describe('the OpenAPI document', () => {
  it('lists every /v1 route registered on the running app, and no route that does not exist', () => {
    const registered = registeredOperations(api.reelkit.app.middleware);
    const documented = documentedOperations(doc);
    expect(registered.size).toBeGreaterThan(20);
    expect(
      [...registered].filter((op) => !documented.has(op)).sort(),
      'routes missing from the document',
    ).toEqual([]);
    expect(
      [...documented].filter((op) => !registered.has(op)).sort(),
      'documented routes nobody serves',
    ).toEqual([]);
  });

  it('is OpenAPI 3.1: every operation has responses, ids are unique and every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(Object.keys(op.responses as object).length, where).toBeGreaterThan(0);
        expect(['public', 'viewer', 'editor', 'admin'], where).toContain(op['x-reelkit-role']);
        expect(ids.has(op.operationId as string), `duplicate operationId at ${where}`).toBe(false);
        ids.add(op.operationId as string);
        const pathParams = ((op.parameters as Array<{ in: string; name: string }> | undefined) ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name);
        expect(pathParams.sort(), where).toEqual([...templated].sort());
      }
    }
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolvePointer(doc, ref), ref).toBeDefined();
    for (const [, scheme] of Object.entries(doc.components.securitySchemes as object))
      expect(scheme).toHaveProperty('type');
  });

  it('describes the JSON answer of every route that has one', () => {
    // Answers that are not a JSON document of their own: files, playlists, the tus creation
    // (headers only) and this document itself.
    const notJson = new Set([
      'get /v1/play/:token/:videoId/*path',
      'get /v1/videos/:id/file',
      'post /v1/uploads',
      'get /v1/openapi.json',
    ]);
    const undescribed = api.reelkit.routes
      .filter((r) => r.status !== 204 && r.method !== 'head' && !notJson.has(`${r.method} ${r.path}`))
      .filter((r) => !r.response)
      .map((r) => `${r.method} ${r.path}`);
    expect(undescribed, 'routes without a response schema').toEqual([]);
    const listed = doc.paths['/v1/videos']?.get?.responses as Record<string, { content: object }>;
    expect(listed['200']!.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/VideoList' } },
    });
    expect(JSON.stringify(doc.components.schemas)).toContain('nextCursor');
  });

  it('names the response shapes as components, so generated clients get a type per shape', () => {
    const schemas = doc.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
    for (const name of ['Video', 'Rendition', 'PlaybackDescriptor', 'Problem', 'User', 'Org', 'ApiKey'])
      expect(schemas, name).toHaveProperty(name);
    for (const name of ['Webhook', 'Delivery', 'QueueHealth', 'VideoList', 'Session', 'Me', 'AudioTrackList'])
      expect(schemas, name).toHaveProperty(name);
    expect(schemas.Video!.properties!.renditions).toEqual({
      description: expect.any(String),
      type: 'array',
      items: { $ref: '#/components/schemas/Rendition' },
    });
    const ref = (path: string, method: string, status: string) =>
      (
        doc.paths[path]![method]!.responses as Record<
          string,
          { content?: Record<string, { schema?: unknown }> }
        >
      )[status]!.content?.['application/json']?.schema;
    expect(ref('/v1/videos/{id}', 'get', '200')).toEqual({ $ref: '#/components/schemas/Video' });
    expect(ref('/v1/videos/{id}/playback', 'get', '200')).toEqual({
      $ref: '#/components/schemas/PlaybackDescriptor',
    });
  });

  it('lists the statuses each operation really answers, with their content types and headers', () => {
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[path]![method]!.responses as object).map(Number);
    const file = doc.paths['/v1/videos/{id}/file']!.get!.responses as Record<string, JsonObject>;
    expect(Object.keys(file['200']!.content as object)).toContain('video/mp4');
    expect(Object.keys(file['200']!.content as object)).not.toContain('application/json');
    expect(statuses('/v1/videos/{id}/file', 'get')).toEqual(expect.arrayContaining([200, 206, 304, 416]));
    expect(statuses('/v1/play/{token}/{videoId}/{path}', 'get')).toEqual(
      expect.arrayContaining([200, 206, 304, 400, 403, 416]),
    );
    expect(statuses('/v1/users', 'post')).toContain(409);
    expect(statuses('/v1/auth/signup', 'post')).toContain(409);
    expect(statuses('/v1/auth/login', 'post')).toContain(401);
    expect(statuses('/v1/auth/refresh', 'post')).toContain(401);
    expect(statuses('/v1/videos', 'post')).toEqual(expect.arrayContaining([201, 413, 415]));
    expect(statuses('/v1/uploads', 'post')).toEqual(expect.arrayContaining([201, 412, 413, 415]));
    expect(statuses('/v1/uploads/{id}', 'patch')).toEqual(expect.arrayContaining([204, 409, 410, 412, 415]));
    expect(statuses('/v1/videos/{id}/playback', 'get')).toEqual(expect.arrayContaining([200, 401, 403, 404]));
    // Dubs: accepted for a background transcode; refused before anything is stored.
    expect(statuses('/v1/videos/{id}/audio-tracks', 'post')).toEqual(
      expect.arrayContaining([202, 403, 404, 409, 413, 415, 422]),
    );
    expect(statuses('/v1/videos/{id}/audio-tracks/{trackId}', 'delete')).toEqual(
      expect.arrayContaining([204, 403, 404, 409]),
    );
    const dub = doc.paths['/v1/videos/{id}/audio-tracks']!.post!;
    expect(Object.keys((dub.requestBody as { content: object }).content)).toEqual(['multipart/form-data']);
    expect(
      (dub.responses as Record<string, { content?: Record<string, { schema?: unknown }> }>)['202']!.content?.[
        'application/json'
      ]?.schema,
    ).toEqual({ $ref: '#/components/schemas/AudioTrackEntry' });
    const creation = doc.paths['/v1/uploads']!.post!;
    expect((creation.responses as Record<string, JsonObject>)['201']).not.toHaveProperty('content');
    expect(creation.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Tus-Resumable', in: 'header', required: true }),
        expect.objectContaining({ name: 'Upload-Length', in: 'header', required: true }),
      ]),
    );
    expect((creation.responses as Record<string, { headers?: object }>)['201']!.headers).toHaveProperty(
      'Upload-Offset',
    );
  });

  it('takes request schemas from the zod schemas the server validates with', () => {
    const signup = doc.paths['/v1/auth/signup']?.post;
    const schema = (signup?.requestBody as { content: Record<string, { schema: Record<string, unknown> }> })
      .content['application/json']!.schema;
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(['email', 'password', 'orgName']),
    );
    expect(doc.paths['/v1/users']?.post?.['x-reelkit-role']).toBe('admin');
    expect(doc.paths['/v1/play/{token}/{videoId}/{path}']?.get?.security).toEqual([]);
  });

  it('serves a self-contained HTML reference at /docs', async () => {
    const res = await call(served.url, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.text).not.toMatch(/<script|https?:\/\/cdn/i);
    expect(res.text).toContain('/v1/videos/{id}/playback-tokens');
  });
});
