import {
  WEBHOOK_EVENTS,
  deliveryListSchema,
  rotatedWebhookSecretSchema,
  webhookListSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from '@reelkit/protocol';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import { objectIdOr404 } from '../http/object-id.js';
import { MAX_URL_LENGTH, TargetRefusedError, resolveTarget, type LookupAll } from './resolve-target.js';
import { newWebhookSecret } from './sign-webhook.js';
import { deliveryJson, webhookJson, type WebhookDelivery, type WebhookModels } from './webhook-models.js';

/** Endpoints one organisation may have. */
export const MAX_ENDPOINTS_PER_ORG = 20;

const urlField = z.string().min(1).max(MAX_URL_LENGTH);
const eventsField = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .refine((e) => new Set(e).size === e.length, { message: 'list each event once' });
const createBody = z.strictObject({ url: urlField, events: eventsField, active: z.boolean().optional() });
const patchBody = z
  .strictObject({ url: urlField.optional(), events: eventsField.optional(), active: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of url, events, active' });
/** How long the secret being replaced keeps signing; 0 ends it at once. Default one day. */
const rotateBody = z.strictObject({
  previousSecretTtlSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(86_400),
});
const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{24}$/, 'must be a cursor from a previous page')
    .optional(),
});

export interface WebhookRouteDeps {
  models: WebhookModels;
  now?: () => number;
  /** config.WEBHOOK_ALLOW_PRIVATE_TARGETS */
  allowPrivateTargets: boolean;
  lookup?: LookupAll;
}

/** `/v1/webhooks`: admins manage their organisation's endpoints and read the delivery log. */
export function webhookRoutes(deps: WebhookRouteDeps): RouteDef[] {
  const { WebhookEndpoint, WebhookDelivery } = deps.models;

  /** The SSRF guard at creation and on every URL change: 400 `webhook_target_refused`. */
  async function checkUrl(url: string): Promise<string> {
    try {
      const target = await resolveTarget(url, {
        allowPrivate: deps.allowPrivateTargets,
        ...(deps.lookup ? { lookup: deps.lookup } : {}),
      });
      return target.url.toString();
    } catch (err) {
      if (err instanceof TargetRefusedError) throw new AppError('webhook_target_refused', err.message);
      throw err;
    }
  }

  async function loadEndpoint(orgId: string, id: string | undefined) {
    const endpoint = await WebhookEndpoint.findOne({
      _id: objectIdOr404(id, 'webhook_not_found'),
      orgId,
    }).lean();
    if (!endpoint) throw new AppError('webhook_not_found');
    return endpoint;
  }

  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/webhooks',
        auth: 'admin',
        status: 201,
        response: webhookWithSecretSchema,
        tag: 'webhooks',
        summary: 'Add a webhook endpoint; the signing secret is in this answer only',
        body: createBody,
      },
      async (ctx, { body }) => {
        const p = principalOf(ctx);
        const url = await checkUrl(body.url);
        if ((await WebhookEndpoint.countDocuments({ orgId: p.orgId })) >= MAX_ENDPOINTS_PER_ORG) {
          throw new AppError(
            'validation_failed',
            `At most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints per organisation`,
          );
        }
        const secret = newWebhookSecret();
        const created = await WebhookEndpoint.create({
          orgId: p.orgId,
          url,
          events: body.events,
          active: body.active ?? true,
          secret,
          createdBy: p.kind === 'api_key' ? `api_key:${p.apiKeyId}` : `user:${p.userId}`,
        });
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.set('Location', `/v1/webhooks/${created.id as string}`);
        ctx.body = { webhook: webhookJson(created.toObject()), secret };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/webhooks',
        auth: 'admin',
        status: 200,
        response: webhookListSchema,
        tag: 'webhooks',
        summary: 'The organisation’s webhook endpoints (without secrets)',
      },
      async (ctx) => {
        const { orgId } = principalOf(ctx);
        const items = await WebhookEndpoint.find({ orgId })
          .sort({ _id: 1 })
          .limit(MAX_ENDPOINTS_PER_ORG)
          .lean();
        ctx.body = { items: items.map(webhookJson) };
      },
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/v1/webhooks/:id',
        auth: 'admin',
        status: 200,
        response: webhookSchema,
        tag: 'webhooks',
        summary: 'Change an endpoint’s url, events or active flag',
        body: patchBody,
      },
      async (ctx, { body }) => {
        const { orgId } = principalOf(ctx);
        const endpoint = await loadEndpoint(orgId, ctx.params.id);
        const set: Record<string, unknown> = { ...body };
        if (body.url !== undefined) set.url = await checkUrl(body.url);
        // updateOne + read, not findOneAndUpdate: FerretDB 1.24 cannot project in findAndModify.
        await WebhookEndpoint.updateOne({ _id: endpoint._id, orgId }, { $set: set }, { runValidators: true });
        const updated = await WebhookEndpoint.findOne({ _id: endpoint._id, orgId }).lean();
        if (!updated) throw new AppError('webhook_not_found');
        ctx.body = webhookJson(updated);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/webhooks/:id/rotate-secret',
        answers: {
          409: 'Another rotation happened meanwhile (`webhook_secret_rotated_meanwhile`).',
        },
        auth: 'admin',
        status: 200,
        response: rotatedWebhookSecretSchema,
        tag: 'webhooks',
        summary:
          'Replace the signing secret (in this answer only); the old one keeps signing for `previousSecretTtlSeconds`',
        body: rotateBody,
      },
      async (ctx, { body }) => {
        const { orgId } = principalOf(ctx);
        const endpoint = await WebhookEndpoint.findOne({
          _id: objectIdOr404(ctx.params.id, 'webhook_not_found'),
          orgId,
        })
          .select('+secret')
          .lean();
        if (!endpoint) throw new AppError('webhook_not_found');
        const secret = newWebhookSecret();
        const keep = body.previousSecretTtlSeconds > 0;
        const expiresAt = keep
          ? new Date((deps.now ?? Date.now)() + body.previousSecretTtlSeconds * 1000)
          : null;
        // Conditional on the secret read: two rotations at once cannot both keep "the previous" one.
        const res = await WebhookEndpoint.updateOne(
          { _id: endpoint._id, orgId, secret: endpoint.secret },
          {
            $set: {
              secret,
              previousSecret: keep ? endpoint.secret : null,
              previousSecretExpiresAt: expiresAt,
            },
          },
        );
        if (res.modifiedCount !== 1)
          throw new AppError('webhook_secret_rotated_meanwhile', 'Another rotation won; try again');
        const updated = await WebhookEndpoint.findOne({ _id: endpoint._id, orgId }).lean();
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { webhook: webhookJson(updated!), secret, previousSecretExpiresAt: expiresAt };
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/webhooks/:id',
        auth: 'admin',
        status: 204,
        tag: 'webhooks',
        summary: 'Remove an endpoint and its delivery log; queued deliveries to it are dropped',
      },
      async (ctx) => {
        const { orgId } = principalOf(ctx);
        const endpoint = await loadEndpoint(orgId, ctx.params.id);
        await WebhookEndpoint.deleteOne({ _id: endpoint._id, orgId });
        await WebhookDelivery.deleteMany({ orgId, endpointId: endpoint._id });
        ctx.status = 204;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/webhooks/:id/deliveries',
        auth: 'admin',
        status: 200,
        response: deliveryListSchema,
        tag: 'webhooks',
        summary: 'The endpoint’s delivery log, newest first (`?limit`, `?cursor`)',
        query: deliveriesQuery,
      },
      async (ctx, { query }) => {
        const { orgId } = principalOf(ctx);
        const endpoint = await loadEndpoint(orgId, ctx.params.id);
        const filter = {
          orgId,
          endpointId: endpoint._id,
          ...(query.cursor ? { _id: { $lt: query.cursor } } : {}),
        };
        const rows = (await WebhookDelivery.find(filter)
          .sort({ _id: -1 })
          .limit(query.limit + 1)
          .lean()) as WebhookDelivery[];
        const page = rows.slice(0, query.limit);
        ctx.body = {
          items: page.map(deliveryJson),
          nextCursor: rows.length > query.limit ? String(page.at(-1)!._id) : null,
        };
      },
    ),
  ];
}
