import type { Types } from 'mongoose';
import { z } from 'zod';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import type { CatalogueIndex } from './catalogue-index.js';
import { statsFromCounters } from './catalogue-summary.js';
import { videoStatsSchema } from '@reelkit/protocol';
import { toObjectId, type VideoStats } from './video-service.js';

const count = z.number().int().min(0);

/** `POST /v1/admin/catalogue/reconcile`. */
export const catalogueReconcileSchema = z.strictObject({
  ran: z.boolean().describe('False when a rebuild was already running (try again later).'),
  videos: count.describe('Videos of the organisation read from the database.'),
  corrected: count.describe('Index entries that were missing or wrong, now corrected (0 when healthy).'),
  removed: count.describe('Index entries of videos the database no longer has, now removed.'),
  ms: count.describe('Time taken.'),
  counters: videoStatsSchema.describe('What `GET /v1/videos/stats` answers now (the index’s counters).'),
  aggregated: videoStatsSchema.describe('The same totals from the database’s aggregation.'),
});

/**
 * Admin routes of the catalogue index: reconcile one organisation now. Slow on FerretDB with many
 * videos (it reads every one of them: ~0.5 ms each), which is why it is not done per request.
 */
export function catalogueAdminRoutes(deps: {
  index: CatalogueIndex;
  aggregateStats: (orgId: Types.ObjectId) => Promise<VideoStats>;
}): RouteDef[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/admin/catalogue/reconcile',
        auth: 'admin',
        status: 200,
        response: catalogueReconcileSchema,
        tag: 'admin',
        summary: 'Rebuild the organisation’s catalogue index from the database and compare its stats',
      },
      async (ctx) => {
        const orgId = toObjectId(principalOf(ctx).orgId);
        if (!orgId) throw new Error('principal.orgId is not an ObjectId');
        const report = await deps.index.rebuild({ orgId });
        const [counters, aggregated] = await Promise.all([
          deps.index.counters(orgId),
          deps.aggregateStats(orgId),
        ]);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          ...report,
          counters: counters ? statsFromCounters(counters) : aggregated,
          aggregated,
        } satisfies z.output<typeof catalogueReconcileSchema>;
      },
    ),
  ];
}
