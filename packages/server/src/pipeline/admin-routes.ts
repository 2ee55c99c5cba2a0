import type { Queue } from 'bullmq';
import { JOB_STATES, queueHealthSchema, type QueueHealth } from '@reelkit/protocol';
import { z } from 'zod';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import type { VideoModel } from '../videos/video-model.js';
import { toObjectId } from '../videos/video-service.js';
import type { StorageFullRetry } from './storage-full-retry.js';

/** `POST /v1/admin/queue/retry-storage-full`. */
export const storageFullRetrySchema = z.strictObject({
  retried: z
    .number()
    .int()
    .min(0)
    .describe('Videos of the organisation that had failed with `storage_full`, now queued again.'),
});

/** Queue health and the retry of videos that hit a full volume, for admins. */
export function adminQueueRoutes(deps: {
  queue: Queue;
  Video: VideoModel;
  storageFull: StorageFullRetry;
}): RouteDef[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/admin/queue/retry-storage-full',
        auth: 'admin',
        status: 200,
        response: storageFullRetrySchema,
        tag: 'admin',
        summary: 'Queue again the organisation’s videos whose processing hit a full volume (`storage_full`)',
      },
      async (ctx) => {
        const orgId = toObjectId(principalOf(ctx).orgId);
        if (!orgId) throw new Error('principal.orgId is not an ObjectId');
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { retried: await deps.storageFull.retryOrg(orgId) };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/admin/queue',
        auth: 'admin',
        status: 200,
        response: queueHealthSchema,
        tag: 'admin',
        summary: 'Transcode queue job counts by state',
      },
      async (ctx) => {
        const orgId = principalOf(ctx).orgId;
        const [jobCounts, workers, queued, processing] = await Promise.all([
          deps.queue.getJobCounts(...JOB_STATES),
          deps.queue.getWorkersCount(),
          deps.Video.countDocuments({ orgId, status: 'queued' }),
          deps.Video.countDocuments({ orgId, status: 'processing' }),
        ]);
        // BullMQ answers one key per state asked for, in that order.
        const counts = Object.fromEntries(JOB_STATES.map((s) => [s, jobCounts[s] ?? 0])) as Record<
          (typeof JOB_STATES)[number],
          number
        >;
        ctx.set('Cache-Control', 'no-store');
        // The queue is shared by every organisation: its counts are the operator's view; `org` is yours.
        ctx.body = {
          queue: deps.queue.name,
          counts,
          workers,
          org: { queued, processing },
        } satisfies QueueHealth;
      },
    ),
  ];
}
