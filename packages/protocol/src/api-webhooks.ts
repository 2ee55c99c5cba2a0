import { z } from 'zod';
import { WEBHOOK_EVENTS } from './video-events.js';

/** Response shapes of the webhook routes. */

/** An endpoint as the API returns it: never a secret. */
export const webhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string().describe('Where deliveries are POSTed (normalised).'),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    active: z.boolean().describe('Paused endpoints receive nothing.'),
    previousSecretExpiresAt: z.iso
      .datetime()
      .nullable()
      .describe('Until when the secret replaced by the last rotation still signs deliveries, if it does.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Webhook', description: 'A webhook endpoint, without its secret.' });
/** A webhook endpoint. */
export interface Webhook extends z.output<typeof webhookSchema> {}

/** `GET /v1/webhooks`. */
export const webhookListSchema = z
  .strictObject({ items: z.array(webhookSchema) })
  .meta({ id: 'WebhookList', description: 'The organisation’s webhook endpoints.' });
/** The organisation's webhook endpoints. */
export interface WebhookList extends z.output<typeof webhookListSchema> {}

/** `POST /v1/webhooks`: the only answer that carries the signing secret. */
export const webhookWithSecretSchema = z
  .strictObject({
    webhook: webhookSchema,
    secret: z.string().describe('`whsec_…`: keep it; it is not shown again.'),
  })
  .meta({ id: 'WebhookWithSecret', description: 'A webhook endpoint and its signing secret (shown once).' });
/** A webhook endpoint and its signing secret. */
export interface WebhookWithSecret extends z.output<typeof webhookWithSecretSchema> {}

/** `POST /v1/webhooks/:id/rotate-secret`. */
export const rotatedWebhookSecretSchema = webhookWithSecretSchema
  .extend({
    previousSecretExpiresAt: z.iso
      .datetime()
      .nullable()
      .describe('Until when the replaced secret still signs deliveries; null when it stopped at once.'),
  })
  .meta({
    id: 'RotatedWebhookSecret',
    description: 'The new signing secret, and how long the old one lives.',
  });
/** The new signing secret, and how long the old one lives. */
export interface RotatedWebhookSecret extends z.output<typeof rotatedWebhookSecretSchema> {}

/** A delivery-log entry as the API returns it: one per attempt. */
export const deliverySchema = z
  .strictObject({
    id: z.string(),
    eventId: z.string().describe('The event id, the same on every attempt (`Reelkit-Delivery`).'),
    event: z.enum(WEBHOOK_EVENTS),
    attempt: z.number().int().min(1),
    ok: z.boolean(),
    statusCode: z.number().int().nullable().describe('null when no response came.'),
    durationMs: z.number().min(0),
    error: z
      .string()
      .nullable()
      .describe('`answered 500`, `timed out after …`, a network error, `target refused: …`.'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Delivery', description: 'One delivery attempt of a webhook event.' });
/** One delivery attempt of a webhook event. */
export interface Delivery extends z.output<typeof deliverySchema> {}

/** `GET /v1/webhooks/:id/deliveries`. */
export const deliveryListSchema = z
  .strictObject({
    items: z.array(deliverySchema),
    nextCursor: z.string().nullable().describe('Pass as `?cursor` for the next page; null on the last.'),
  })
  .meta({ id: 'DeliveryList', description: 'One page of delivery attempts, newest first.' });
/** One page of delivery attempts. */
export interface DeliveryList extends z.output<typeof deliveryListSchema> {}
