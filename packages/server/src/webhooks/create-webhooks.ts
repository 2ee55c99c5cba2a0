import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import type { ServerConfig } from '../config.js';
import type { RouteDef } from '../http/define-route.js';
import type { Logger } from '../logger.js';
import type { LookupAll } from './resolve-target.js';
import { periodicTask } from '../periodic-task.js';
import { closeRedis, duplicateRedis } from '../redis.js';
import { webhookRoutes } from './routes.js';
import { createWebhookModels, type WebhookModels } from './webhook-models.js';
import {
  createWebhookEnqueuer,
  createWebhookQueue,
  type EnqueueWebhookEvent,
  type WebhookQueue,
} from './webhook-queue.js';
import { createWebhookWorker, type WebhookWorker } from './webhook-worker.js';

export interface Webhooks {
  models: WebhookModels;
  /** Mount with the other `/v1` routes (createApp's `mountRoutes` list). */
  routes: RouteDef[];
  queue: WebhookQueue;
  enqueueWebhookEvent: EnqueueWebhookEvent;
  /** Starts the delivery worker in this process (once), and the hourly delivery-log pruning. */
  startWorker(): WebhookWorker;
  /** Removes delivery-log entries older than WEBHOOK_LOG_RETENTION_DAYS now; resolves with how many. */
  pruneDeliveryLog(): Promise<number>;
  /** Closes the worker (waiting for running deliveries) and the queue; leaves `redis` open. */
  close(): Promise<void>;
}

/** Everything webhooks need, from the server's dependencies. Opens nothing until `startWorker`. */
export function createWebhooks(deps: {
  db: Connection;
  redis: Redis;
  config: ServerConfig;
  logger: Logger;
  lookup?: LookupAll;
  now?: () => number;
}): Webhooks {
  const models = createWebhookModels(deps.db);
  const queue = createWebhookQueue({ connection: deps.redis, prefix: deps.config.REDIS_PREFIX });
  // An unheard 'error' (the shared connection closing during shutdown) would crash the process.
  queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'webhook queue: redis error'));
  let worker: WebhookWorker | undefined;
  let workerConnection: Redis | undefined;
  let workerReady: Promise<unknown> | undefined;
  /** Removes delivery-log entries past the retention, hourly, where a worker runs. */
  const pruneLog = periodicTask({
    name: 'webhook delivery-log pruning',
    everyMs: 3_600_000,
    logger: deps.logger,
    run: async () => {
      const cutoff = new Date((deps.now ?? Date.now)() - deps.config.WEBHOOK_LOG_RETENTION_DAYS * 86_400_000);
      const { deletedCount } = await models.WebhookDelivery.deleteMany({ createdAt: { $lt: cutoff } });
      return deletedCount;
    },
  });
  const lookup = deps.lookup ? { lookup: deps.lookup } : {};
  return {
    models,
    queue,
    routes: webhookRoutes({
      models,
      allowPrivateTargets: deps.config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      ...lookup,
    }),
    enqueueWebhookEvent: createWebhookEnqueuer({ models, queue, config: deps.config }),
    pruneDeliveryLog: pruneLog.run,
    startWorker() {
      // A connection of its own: closing the worker must not touch the server's shared one.
      workerConnection ??= duplicateRedis(deps.redis, 'reelkit-webhooks', deps.logger);
      worker ??= createWebhookWorker({
        models,
        connection: workerConnection,
        config: deps.config,
        logger: deps.logger,
        ...lookup,
      });
      workerReady ??= once(worker, 'ready').catch(() => undefined);
      pruneLog.start();
      return worker;
    },
    async close() {
      // BullMQ: a worker closed while its blocking connection is still connecting leaves that
      // connection's failure with no listener, an 'error' event that crashes the process (a
      // SIGTERM right after start). Give it a moment to connect first.
      await pruneLog.close();
      if (worker) await Promise.race([workerReady, sleep(2_000, undefined, { ref: false })]);
      // Without Redis no delivery can be recorded and a graceful close would wait for ever on
      // BullMQ's blocking connection: force it (running deliveries are retried once their lock expires).
      await worker?.close(workerConnection?.status !== 'ready');
      await queue.close();
      if (workerConnection) await closeRedis(workerConnection);
    },
  };
}
