import { Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { TargetRefusedError, resolveTarget, type LookupAll } from './resolve-target.js';
import { sendWebhook } from './send-webhook.js';
import { SIGNATURE_HEADER, signatureHeader, signingSecrets } from './sign-webhook.js';
import type { WebhookModels } from './webhook-models.js';
import { WEBHOOK_QUEUE, type WebhookJobData } from './webhook-queue.js';

export interface WebhookWorkerDeps {
  models: WebhookModels;
  /** ioredis connection with `maxRetriesPerRequest: null`; BullMQ duplicates it for blocking reads. */
  connection: Redis;
  config: Pick<
    ServerConfig,
    'REDIS_PREFIX' | 'WEBHOOK_ALLOW_PRIVATE_TARGETS' | 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_CONCURRENCY'
  >;
  logger: Logger;
  /** DNS resolution (tests simulate rebinding with it). */
  lookup?: LookupAll;
  now?: () => number;
}

export type WebhookWorker = Worker<WebhookJobData>;

/**
 * Sends queued deliveries; runs inside the server process. Each attempt re-reads the endpoint (a
 * deleted or deactivated one gets nothing), re-runs the SSRF guard on a fresh DNS answer and
 * connects only to the address it checked, signs with a fresh timestamp, and writes one
 * delivery-log entry. A non-2xx answer or a network error is retried with backoff; a refused
 * target is not retried.
 */
export function createWebhookWorker(deps: WebhookWorkerDeps): WebhookWorker {
  const { models, config } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'webhooks' });

  async function deliver(
    job: Job<WebhookJobData>,
  ): Promise<{ statusCode: number | null } | { skipped: string }> {
    const { orgId, endpointId, eventId, event, body } = job.data;
    const endpoint = await models.WebhookEndpoint.findOne({ _id: endpointId, orgId })
      .select('+secret +previousSecret')
      .lean();
    if (!endpoint || !endpoint.active) return { skipped: endpoint ? 'inactive' : 'deleted' };
    const attempt = job.attemptsMade + 1;
    const record = (r: {
      ok: boolean;
      statusCode: number | null;
      durationMs: number;
      error: string | null;
    }) => models.WebhookDelivery.create({ orgId, endpointId, eventId, event, attempt, ...r });

    let target;
    try {
      target = await resolveTarget(endpoint.url, {
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
        ...(deps.lookup ? { lookup: deps.lookup } : {}),
      });
    } catch (err) {
      if (!(err instanceof TargetRefusedError)) throw err;
      await record({ ok: false, statusCode: null, durationMs: 0, error: `target refused: ${err.message}` });
      log.warn({ orgId, endpointId, eventId, jobId: job.id }, 'webhook target refused at delivery');
      throw new UnrecoverableError(err.message);
    }
    const timestamp = Math.floor(now() / 1000);
    const result = await sendWebhook({
      target,
      body,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      headers: {
        [SIGNATURE_HEADER]: signatureHeader(signingSecrets(endpoint, now()), timestamp, body),
        'Reelkit-Event': event,
        'Reelkit-Delivery': eventId,
        'Reelkit-Attempt': String(attempt),
      },
    });
    const ok = result.error === null;
    await record({ ok, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error });
    log.info(
      {
        orgId,
        endpointId,
        eventId,
        jobId: job.id,
        attempt,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
      },
      ok ? 'webhook delivered' : 'webhook delivery failed',
    );
    if (!ok) throw new Error(result.error ?? 'delivery failed');
    return { statusCode: result.statusCode };
  }

  const worker = new Worker<WebhookJobData>(WEBHOOK_QUEUE, deliver, {
    connection: deps.connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.WEBHOOK_CONCURRENCY,
  });
  // Without a listener an 'error' event (e.g. Redis going away) would crash the whole server.
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'webhook worker error'));
  return worker;
}
