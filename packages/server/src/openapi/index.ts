export { buildOpenApi, jsonSchemaOf, operationIdOf, toOpenApiPath } from './build-openapi.js';
export type { BuildOpenApiOptions, JsonObject, OpenApiDocument } from './build-openapi.js';
export { OPENAPI_ROUTE_SPECS, openApiRoutes } from './routes.js';
export type { OpenApiRoutesDeps } from './routes.js';
export { renderReference } from './render-reference.js';
