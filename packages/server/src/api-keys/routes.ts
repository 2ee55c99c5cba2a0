import {
  ROLES,
  apiKeyListSchema,
  createdApiKeySchema,
  roleAtLeast,
  type ApiKeyList,
  type CreatedApiKey,
} from '@reelkit/protocol';
import { z } from 'zod';
import { nameField } from '../auth/routes.js';
import { AppError } from '../http/app-error.js';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import { objectIdOr404 } from '../http/object-id.js';
import type { AccountModels } from '../models.js';
import { apiKeyJson, type ApiKeyDoc } from './api-key-model.js';
import { generateApiKey } from './api-key-secret.js';

const createKeyBody = z.strictObject({ name: nameField, role: z.enum(ROLES).optional() });

export function apiKeyRoutes(deps: { models: AccountModels }): RouteDef[] {
  const { ApiKey } = deps.models;
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/api-keys',
        auth: 'admin',
        status: 201,
        response: createdApiKeySchema,
        tag: 'api-keys',
        summary: 'Create an API key; the secret is shown once',
        body: createKeyBody,
      },
      async (ctx, { body }) => {
        const p = principalOf(ctx);
        const role = body.role ?? 'editor';
        if (!roleAtLeast(p.role, role))
          throw new AppError('forbidden', `You cannot create a key with more than your own role (${p.role})`);
        const { key, prefix, secretHash } = generateApiKey();
        const doc = await ApiKey.create({
          orgId: p.orgId,
          name: body.name,
          prefix,
          secretHash,
          role,
          createdBy: p.userId,
        });
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          apiKey: apiKeyJson(doc.toObject() as ApiKeyDoc),
          key,
        } satisfies CreatedApiKey;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/api-keys',
        auth: 'admin',
        status: 200,
        response: apiKeyListSchema,
        tag: 'api-keys',
        summary: 'List the organisation’s API keys (never their secrets)',
      },
      async (ctx) => {
        const keys = (await ApiKey.find({ orgId: principalOf(ctx).orgId })
          .sort({ _id: -1 })
          .limit(500)
          .lean()) as ApiKeyDoc[];
        ctx.body = { items: keys.map(apiKeyJson) } satisfies ApiKeyList;
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/api-keys/:id',
        auth: 'admin',
        status: 204,
        tag: 'api-keys',
        summary: 'Revoke an API key; it stops working at once',
      },
      async (ctx) => {
        const id = objectIdOr404(ctx.params.id, 'api_key_not_found');
        const res = await ApiKey.updateOne(
          { _id: id, orgId: principalOf(ctx).orgId },
          { $set: { revokedAt: new Date() } },
        );
        if (res.matchedCount === 0) throw new AppError('api_key_not_found');
        ctx.status = 204;
      },
    ),
  ];
}
