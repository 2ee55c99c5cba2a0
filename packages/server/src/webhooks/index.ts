export { webhookRoutes, MAX_ENDPOINTS_PER_ORG } from './routes.js';
export type { WebhookRouteDeps } from './routes.js';
export { createWebhookModels } from './webhook-models.js';
export type { WebhookDelivery, WebhookEndpoint, WebhookModels } from './webhook-models.js';
export { WEBHOOK_QUEUE, createWebhookEnqueuer, createWebhookQueue } from './webhook-queue.js';
export type { EnqueueWebhookEvent, WebhookJobData, WebhookQueue } from './webhook-queue.js';
export { createWebhookWorker } from './webhook-worker.js';
export type { WebhookWorker, WebhookWorkerDeps } from './webhook-worker.js';
export {
  DEFAULT_TOLERANCE_S,
  SIGNATURE_HEADER,
  newWebhookSecret,
  signatureHeader,
  verifyWebhookSignature,
} from './sign-webhook.js';
export { TargetRefusedError, parseWebhookUrl, resolveTarget } from './resolve-target.js';
export type { LookupAll, ResolvedTarget } from './resolve-target.js';
export { refusedReason } from './target-address.js';
export type { RefusedReason } from './target-address.js';
export { createWebhooks } from './create-webhooks.js';
export type { Webhooks } from './create-webhooks.js';
