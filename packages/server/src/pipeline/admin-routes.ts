import type { Queue } from 'bullmq';
import { JOB_STATES, queueHealthSchema, type QueueHealth } from '@reelkit/protocol';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import type { VideoModel } from '../videos/video-model.js';

/** Queue health for admins. */
export function adminQueueRoutes(deps: { queue: Queue; Video: VideoModel }): RouteDef[] {
  return [
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
