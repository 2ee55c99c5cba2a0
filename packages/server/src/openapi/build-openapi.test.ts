import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteSpec } from '../http/define-route.js';
import { buildOpenApi, jsonSchemaOf, operationIdOf, toOpenApiPath } from './build-openapi.js';

const routes: RouteSpec[] = [
  {
    method: 'patch',
    path: '/v1/things/:id',
    auth: 'editor',
    summary: 'Change a thing',
    tag: 'things',
    status: 200,
    body: z.strictObject({ name: z.string().min(1) }),
  },
  {
    method: 'get',
    path: '/v1/things',
    auth: 'viewer',
    summary: 'List things',
    tag: 'things',
    status: 200,
    query: z.strictObject({ limit: z.coerce.number().int().max(100).default(20), q: z.string().optional() }),
  },
  {
    method: 'get',
    path: '/v1/files/:token/*path',
    auth: 'public',
    summary: 'A file',
    tag: 'files',
    status: 200,
  },
];

describe('buildOpenApi', () => {
  it('turns koa paths into OpenAPI templates, wildcards included', () => {
    expect(toOpenApiPath('/v1/play/:token/:videoId/*path')).toEqual({
      path: '/v1/play/{token}/{videoId}/{path}',
      params: [
        { name: 'token', rest: false },
        { name: 'videoId', rest: false },
        { name: 'path', rest: true },
      ],
    });
    expect(operationIdOf('get', '/v1/users/{id}/deliveries')).toBe('getV1UsersByIdDeliveries');
  });

  it('documents bodies and query strings from the zod schemas, and the least role', () => {
    const doc = buildOpenApi(routes);
    const patch = doc.paths['/v1/things/{id}']!.patch!;
    expect(patch['x-reelkit-role']).toBe('editor');
    expect(patch.requestBody).toMatchObject({
      content: { 'application/json': { schema: { additionalProperties: false, required: ['name'] } } },
    });
    expect(Object.keys(patch.responses as object)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '415']),
    );
    const list = doc.paths['/v1/things']!.get!;
    expect(list.parameters).toEqual([
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      expect.objectContaining({ name: 'q', in: 'query', required: false }),
    ]);
    const file = doc.paths['/v1/files/{token}/{path}']!.get!;
    expect(file.security).toEqual([]);
    expect(file.responses).not.toHaveProperty('401');
  });

  it('refuses a route declared twice', () => {
    expect(() => buildOpenApi([routes[0]!, routes[0]!])).toThrow(/duplicate route/);
  });

  it('describes formats by name, without the regular expression zod checks them with', () => {
    const json = jsonSchemaOf(z.strictObject({ at: z.iso.datetime(), code: z.string().regex(/^[a-z]+$/) }));
    const props = json.properties as Record<string, Record<string, unknown>>;
    expect(props.at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(props.at).not.toHaveProperty('pattern');
    expect(props.code).toMatchObject({ pattern: '^[a-z]+$' }); // a pattern of its own stays
  });
});
