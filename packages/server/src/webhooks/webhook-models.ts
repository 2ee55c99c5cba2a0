import { WEBHOOK_EVENTS, type Delivery, type Webhook, type WebhookEventType } from '@reelkit/protocol';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** One organisation's webhook endpoint. The signing secret is never selected unless asked for. */
export interface WebhookEndpoint {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  /** Needed in clear to sign (HMAC); `select: false` keeps it out of every read that does not ask. */
  secret: string;
  /** The secret before the last rotation, still signing (as a second `v1`) until it expires. */
  previousSecret?: string | null;
  previousSecretExpiresAt?: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One delivery attempt, as the delivery log shows it. */
export interface WebhookDelivery {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  endpointId: Types.ObjectId;
  /** The event's id (the same on every attempt). */
  eventId: string;
  event: WebhookEventType;
  /** 1 for the first try. */
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  createdAt: Date;
}

const endpointSchema = new Schema<WebhookEndpoint>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    url: { type: String, required: true, maxlength: 2048 },
    events: { type: [{ type: String, enum: WEBHOOK_EVENTS }], required: true },
    active: { type: Boolean, required: true, default: true },
    secret: { type: String, required: true, select: false },
    previousSecret: { type: String, default: null, select: false },
    previousSecretExpiresAt: { type: Date, default: null },
    createdBy: { type: String, required: true },
  },
  { timestamps: true, strict: 'throw', collection: 'webhook_endpoints' },
);
// List and load by org; the fan-out query finds an org's active endpoints for one event.
endpointSchema.index({ orgId: 1, _id: 1 });
endpointSchema.index({ orgId: 1, active: 1, events: 1 });

const deliverySchema = new Schema<WebhookDelivery>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    endpointId: { type: Schema.Types.ObjectId, required: true },
    eventId: { type: String, required: true },
    event: { type: String, enum: WEBHOOK_EVENTS, required: true },
    attempt: { type: Number, required: true, min: 1 },
    ok: { type: Boolean, required: true },
    statusCode: { type: Number, default: null },
    durationMs: { type: Number, required: true, min: 0 },
    error: { type: String, default: null, maxlength: 1000 },
  },
  { timestamps: { createdAt: true, updatedAt: false }, strict: 'throw', collection: 'webhook_deliveries' },
);
// The delivery log of one endpoint, newest first, paged by _id; and deleting an endpoint's log.
deliverySchema.index({ orgId: 1, endpointId: 1, _id: -1 });
// Pruning of old entries (WEBHOOK_LOG_RETENTION_DAYS).
deliverySchema.index({ createdAt: 1 });

export interface WebhookModels {
  WebhookEndpoint: Model<WebhookEndpoint>;
  WebhookDelivery: Model<WebhookDelivery>;
}

/** The webhook models on one connection (never the global mongoose). */
export function createWebhookModels(db: Connection): WebhookModels {
  return {
    WebhookEndpoint:
      (db.models.WebhookEndpoint as Model<WebhookEndpoint> | undefined) ??
      db.model<WebhookEndpoint>('WebhookEndpoint', endpointSchema),
    WebhookDelivery:
      (db.models.WebhookDelivery as Model<WebhookDelivery> | undefined) ??
      db.model<WebhookDelivery>('WebhookDelivery', deliverySchema),
  };
}

/** An endpoint as the API returns it: no secret. */
export function webhookJson(e: Omit<WebhookEndpoint, 'secret' | 'previousSecret'>): Webhook {
  return {
    id: String(e._id),
    url: e.url,
    events: [...e.events],
    active: e.active,
    /** Until when the secret replaced by the last rotation still signs deliveries, if it does. */
    previousSecretExpiresAt: e.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** A delivery-log entry as the API returns it. */
export function deliveryJson(d: WebhookDelivery): Delivery {
  return {
    id: String(d._id),
    eventId: d.eventId,
    event: d.event,
    attempt: d.attempt,
    ok: d.ok,
    statusCode: d.statusCode,
    durationMs: d.durationMs,
    error: d.error,
    createdAt: d.createdAt.toISOString(),
  };
}
