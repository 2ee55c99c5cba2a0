import { z } from 'zod';
import { nameField } from '../auth/routes.js';
import { AppError } from '../http/app-error.js';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import type { AccountModels } from '../models.js';
import { orgSchema } from '@reelkit/protocol';
import { ORIGIN_PATTERN, orgJson, type OrgDoc } from './org-model.js';

const originField = z
  .string()
  .max(300)
  .transform((o) => o.trim().replace(/\/$/, '').toLowerCase())
  .pipe(z.string().regex(ORIGIN_PATTERN, 'must be an origin such as https://www.example.com (no path)'));

const patchOrgBody = z
  .strictObject({ name: nameField.optional(), embedOrigins: z.array(originField).max(50).optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of name, embedOrigins' });

export function orgRoutes(deps: { models: AccountModels }): RouteDef[] {
  const { Org } = deps.models;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/org',
        auth: 'viewer',
        status: 200,
        response: orgSchema,
        tag: 'org',
        summary: 'The caller’s organisation',
      },
      async (ctx) => {
        const org = await Org.findById(principalOf(ctx).orgId).lean();
        if (!org) throw new AppError('not_found', 'Organisation not found');
        ctx.body = orgJson(org as OrgDoc);
      },
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/v1/org',
        auth: 'admin',
        status: 200,
        response: orgSchema,
        tag: 'org',
        summary: 'Rename the organisation or set its embed-origin allow-list',
        body: patchOrgBody,
      },
      async (ctx, { body }) => {
        const update = {
          ...body,
          ...(body.embedOrigins ? { embedOrigins: [...new Set(body.embedOrigins)] } : {}),
        };
        const org = await Org.findByIdAndUpdate(
          principalOf(ctx).orgId,
          { $set: update },
          { returnDocument: 'after', runValidators: true },
        ).lean();
        if (!org) throw new AppError('not_found', 'Organisation not found');
        ctx.body = orgJson(org as OrgDoc);
      },
    ),
  ];
}
