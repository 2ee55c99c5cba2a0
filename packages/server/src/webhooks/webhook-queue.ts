import { createHash, randomUUID } from 'node:crypto';
import type { WebhookEnvelope, WebhookEventData, WebhookEventType } from '@reelkit/protocol';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ServerConfig } from '../config.js';
import type { WebhookModels } from './webhook-models.js';

/** The BullMQ queue deliveries go through (prefix REDIS_PREFIX); producer and worker are in the server. */
export const WEBHOOK_QUEUE = 'webhooks';

/** One delivery of one event to one endpoint. `body` is fixed at enqueue time: every retry sends the same bytes. */
export interface WebhookJobData {
  orgId: string;
  endpointId: string;
  eventId: string;
  event: WebhookEventType;
  body: string;
}

export type WebhookQueue = Queue<WebhookJobData>;

/** The producer side; it shares the caller's Redis connection and leaves it open on close. */
export function createWebhookQueue(options: { connection: Redis; prefix: string }): WebhookQueue {
  return new Queue<WebhookJobData>(WEBHOOK_QUEUE, { connection: options.connection, prefix: options.prefix });
}

export type EnqueueWebhookEvent = <T extends WebhookEventType>(
  orgId: string,
  event: T,
  payload: WebhookEventData[T],
  options?: {
    /**
     * A stable id makes enqueueing idempotent while the job is kept (e.g. `video.ready:<videoId>`
     * from a results handler that may run twice); by default each call is a new event.
     */
    eventId?: string;
    createdAt?: Date;
  },
) => Promise<number>;

/**
 * `enqueueWebhookEvent(orgId, event, payload)`: one job per active endpoint of the organisation
 * subscribed to `event`, with retries and exponential backoff. Answers how many were queued.
 */
export function createWebhookEnqueuer(deps: {
  models: Pick<WebhookModels, 'WebhookEndpoint'>;
  queue: WebhookQueue;
  config: Pick<ServerConfig, 'WEBHOOK_MAX_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'>;
}): EnqueueWebhookEvent {
  return async (orgId, event, payload, options = {}) => {
    const endpoints = await deps.models.WebhookEndpoint.find({ orgId, active: true, events: event })
      .select('_id')
      .lean();
    if (endpoints.length === 0) return 0;
    const eventId = options.eventId ?? randomUUID();
    const envelope: WebhookEnvelope = {
      id: eventId,
      type: event,
      createdAt: (options.createdAt ?? new Date()).toISOString(),
      orgId,
      data: payload,
    };
    const body = JSON.stringify(envelope);
    await deps.queue.addBulk(
      endpoints.map((e) => {
        const endpointId = String(e._id);
        return {
          name: event,
          data: { orgId, endpointId, eventId, event, body },
          opts: {
            // Ids may not contain ':'; a hash of both keeps them short and stable.
            jobId: `wh-${createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex').slice(0, 32)}`,
            attempts: deps.config.WEBHOOK_MAX_ATTEMPTS,
            backoff: { type: 'exponential', delay: deps.config.WEBHOOK_BACKOFF_MS },
            removeOnComplete: { age: 86_400, count: 10_000 },
            removeOnFail: { age: 7 * 86_400, count: 10_000 },
          },
        };
      }),
    );
    return endpoints.length;
  };
}
