import { ERROR_CODES, problemSchema, type ErrorCode } from '@reelkit/protocol';
import { z } from 'zod';
import type { RouteSpec } from '../http/define-route.js';

/** A JSON value of the generated document (kept loose: the document is data, not a typed model). */
export type JsonObject = Record<string, unknown>;

/** The generated OpenAPI 3.1 document. */
export interface OpenApiDocument extends JsonObject {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, JsonObject>>;
  components: JsonObject;
}

export interface BuildOpenApiOptions {
  /** `info.version`, default `0.1.0`. */
  version?: string;
  /** The API origin, listed under `servers` when given. */
  serverUrl?: string;
}

const ROLE_TEXT: Record<RouteSpec['auth'], string> = {
  public: 'Public: no credentials needed.',
  viewer: 'Least role: **viewer** (any member of the organisation, or an API key).',
  editor: 'Least role: **editor** (editors and admins, or an API key with that role).',
  admin: 'Least role: **admin**.',
};

/** `/v1/users/:id` → `/v1/users/{id}`; `*path` (rest of the path) → `{path}`. */
export function toOpenApiPath(koaPath: string): {
  path: string;
  params: Array<{ name: string; rest: boolean }>;
} {
  const params: Array<{ name: string; rest: boolean }> = [];
  const path = koaPath.replace(/([:*])([A-Za-z_][A-Za-z0-9_]*)/g, (_m, kind: string, name: string) => {
    params.push({ name, rest: kind === '*' });
    return `{${name}}`;
  });
  return { path, params };
}

/** `get` + `/v1/users/{id}/sessions` → `getV1UsersByIdSessions`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      const param = /^\{(.+)\}$/.exec(seg);
      const word = param ? `by-${param[1]!}` : seg;
      return word
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join('');
    });
  return method + words.join('');
}

/**
 * A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1): by default what a client
 * sends (`input`); `output` for what the server answers.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonObject {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonObject;
  delete json.$schema;
  // A named schema inside (`.meta({ id })`) is a component: point at it instead of local $defs.
  delete json.$defs;
  return withoutFormatPatterns(pointingAtComponents(json));
}

const COMPONENT = '#/components/schemas/';

/** The zod id of a named schema (`.meta({ id })`), which is its component's name. */
export function componentNameOf(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.id;
}

/** `#/$defs/Video` (zod's local definitions) → `#/components/schemas/Video`. */
function pointingAtComponents<T>(node: T): T {
  if (Array.isArray(node)) return node.map(pointingAtComponents) as T;
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node as JsonObject)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')
        ? COMPONENT + value.slice('#/$defs/'.length)
        : pointingAtComponents(value);
  }
  return out as T;
}

/**
 * Every named response shape of the protocol (`Video`, `PlaybackDescriptor`, `Problem`…) as an
 * OpenAPI component, referring to each other by `$ref`: what client generators name types after.
 */
export function componentSchemas(): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
    uri: (id) => COMPONENT + id,
  }) as { schemas: Record<string, JsonObject> };
  const out: Record<string, JsonObject> = {};
  for (const name of Object.keys(schemas).sort()) {
    const { $schema: _s, $id: _id, ...rest } = schemas[name]!;
    out[name] = withoutFormatPatterns(rest);
  }
  return out;
}

/** A response body's schema: a `$ref` to its component when it is named. */
function responseSchemaOf(schema: z.ZodType): JsonObject {
  const name = componentNameOf(schema);
  return name ? { $ref: COMPONENT + name } : jsonSchemaOf(schema, 'output');
}

/**
 * zod writes a `format` (`date-time`, `email`…) together with the long regular expression it
 * checks with; the format says it for readers and generators, so the pattern is dropped.
 */
function withoutFormatPatterns<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutFormatPatterns) as T;
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  const obj = node as JsonObject;
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'pattern' && typeof obj.format === 'string') continue;
    out[key] = withoutFormatPatterns(value);
  }
  return out as T;
}

function queryParameters(schema: z.ZodType): JsonObject[] {
  const json = jsonSchemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: 'query',
      // Fields with a default are optional for the caller even though the output always has them.
      required: required.has(name) && !('default' in prop),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Error statuses a route can answer with, from what it declares. */
function errorStatusesOf(route: RouteSpec, hasPathParams: boolean): number[] {
  const statuses = new Set<number>([429, 500]);
  const requiredHeaders = route.requestHeaders?.some((h) => h.required) ?? false;
  if (route.body || route.query || hasPathParams || route.rawBody || requiredHeaders) statuses.add(400);
  if (route.auth !== 'public') {
    statuses.add(401);
    statuses.add(403);
  }
  if (hasPathParams) statuses.add(404);
  if (route.body) statuses.add(415);
  if (route.body || route.rawBody) statuses.add(413);
  for (const status of Object.keys(route.answers ?? {}).map(Number)) if (status >= 400) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

function codesByStatus(): Map<number, ErrorCode[]> {
  const map = new Map<number, ErrorCode[]>();
  for (const [code, { status }] of Object.entries(ERROR_CODES) as Array<[ErrorCode, { status: number }]>) {
    map.set(status, [...(map.get(status) ?? []), code]);
  }
  return map;
}

function problemComponents(): { responses: JsonObject } {
  const responses: JsonObject = {};
  for (const [status, codes] of codesByStatus()) {
    responses[`Problem${status}`] = {
      description: `Error (application/problem+json). \`code\` is one of: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
      content: {
        'application/problem+json': {
          schema: {
            allOf: [
              { $ref: COMPONENT + (componentNameOf(problemSchema) ?? 'Problem') },
              { type: 'object', properties: { status: { const: status }, code: { enum: codes } } },
            ],
          },
        },
      },
    };
  }
  return { responses };
}

function operationOf(route: RouteSpec, problemStatuses: Set<number>): { path: string; op: JsonObject } {
  const { path, params } = toOpenApiPath(route.path);
  const parameters: JsonObject[] = params.map(({ name, rest }) => ({
    name,
    in: 'path',
    required: true,
    ...(rest ? { description: 'The rest of the path; may contain `/`.' } : {}),
    schema: { type: 'string' },
  }));
  if (route.query) parameters.push(...queryParameters(route.query));

  if (route.requestHeaders) {
    for (const h of route.requestHeaders) {
      parameters.push({
        name: h.name,
        in: 'header',
        required: h.required,
        description: h.description,
        schema: h.schema ?? { type: 'string' },
      });
    }
  }

  const headers = route.responseHeaders
    ? {
        headers: Object.fromEntries(
          Object.entries(route.responseHeaders).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' } },
          ]),
        ),
      }
    : {};
  // A success without `response` or `produces` (tus creation) answers headers only.
  const content = route.produces
    ? Object.fromEntries(route.produces.map((type) => [type, {}]))
    : route.response
      ? { 'application/json': { schema: responseSchemaOf(route.response) } }
      : undefined;
  const responses: JsonObject = {};
  responses[String(route.status)] =
    route.status === 204 || route.method === 'head'
      ? { description: 'Success, no body.', ...headers }
      : { description: 'Success.', ...headers, ...(content ? { content } : {}) };
  for (const [status, description] of Object.entries(route.answers ?? {})) {
    if (Number(status) >= 400) continue;
    responses[status] =
      Number(status) === 304 || Number(status) === 204
        ? { description, ...headers }
        : { description, ...headers, ...(Number(status) === 206 && content ? { content } : {}) };
  }
  for (const status of errorStatusesOf(route, params.length > 0)) {
    if (!problemStatuses.has(status)) continue;
    const why = route.answers?.[status];
    responses[String(status)] = why
      ? { $ref: `#/components/responses/Problem${status}`, description: why }
      : { $ref: `#/components/responses/Problem${status}` };
  }
  // Node's HTTP server answers this itself, before any route runs, with no body.
  responses['431'] = { description: 'Request headers larger than the server accepts (16 KiB); no body.' };

  const requestBody = route.body
    ? { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body) } } }
    : route.rawBody
      ? {
          description: route.rawBody.description,
          required: route.rawBody.required ?? true,
          content: { [route.rawBody.contentType]: { schema: route.rawBody.schema } },
        }
      : undefined;

  const op: JsonObject = {
    operationId: operationIdOf(route.method, path),
    summary: route.summary,
    description: ROLE_TEXT[route.auth],
    tags: [route.tag],
    'x-reelkit-role': route.auth,
    security: route.auth === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
  return { path, op };
}

/**
 * The OpenAPI 3.1 document of the given routes, built from the route table and the very zod
 * schemas the server validates with. Pure: the same routes give the same document.
 */
export function buildOpenApi(
  routes: readonly RouteSpec[],
  options: BuildOpenApiOptions = {},
): OpenApiDocument {
  const problems = problemComponents();
  const problemStatuses = new Set([...codesByStatus().keys()]);
  const paths: OpenApiDocument['paths'] = {};
  const sorted = [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const route of sorted) {
    const { path, op } = operationOf(route, problemStatuses);
    const item = (paths[path] ??= {});
    if (item[route.method])
      throw new Error(`duplicate route in the route table: ${route.method} ${route.path}`);
    item[route.method] = op;
  }
  const tags = [...new Set(sorted.map((r) => r.tag))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelkit API',
      version: options.version ?? '0.1.0',
      description:
        'Every `/v1` route of the Reelkit server, generated from its route table and zod schemas. ' +
        'Authenticate with `Authorization: Bearer <access token or API key>`, or with the session ' +
        'cookies set at login (unsafe methods then need `X-CSRF-Token` equal to the `rk_csrf` cookie). ' +
        'Errors are `application/problem+json` with a stable `code`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An access token (JWT, 15 min) from login/refresh, or an API key `rk_<prefix>_<secret>`.',
        },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'rk_access',
          description:
            'The httpOnly session cookie (`__Host-rk_access` in production). Unsafe methods also need ' +
            '`X-CSRF-Token` equal to the `rk_csrf` cookie, from an allowed origin.',
        },
      },
      schemas: componentSchemas(),
      responses: problems.responses,
    },
  };
}
