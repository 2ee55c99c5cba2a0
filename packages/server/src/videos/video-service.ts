import {
  dubJobId,
  transcodePriority,
  type Plan,
  type TranscodeJobData,
  type VideoList,
  type VideoStats,
} from '@reelkit/protocol';
import { videoPrefix, type Storage } from '@reelkit/storage';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { createOrgModel } from '../orgs/org-model.js';
import { AppError } from '../http/app-error.js';
import { asDependencyOutage, DEPENDENCY_RETRY_AFTER_S } from '../http/dependency-outage.js';
import type { Principal } from '../http/principal.js';
import { createCatalogueIndex } from './catalogue-index.js';
import { statsFromCounters } from './catalogue-summary.js';
import { decodeCursor, encodeCursor, escapeRegExp } from './cursor.js';
import type { ListVideosQuery, UpdateVideoBody } from './schemas.js';
import { enqueueTranscode, withdrawJob, type TranscodeQueue } from './transcode-queue.js';
import { searchTokens } from './title-tokens.js';
import { toVideoJson, type VideoJson } from './video-json.js';
import { type Video, type VideoModel, type VideoStatus } from './video-model.js';
import { onVideoWrite } from './video-writes.js';

export interface VideoServiceDeps {
  Video: VideoModel;
  storage: Storage;
  queue: TranscodeQueue;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
}

export type { VideoList, VideoStats } from '@reelkit/protocol';

/** A 24-hex id, or null for anything else (which the routes answer with 404). */
export function toObjectId(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null;
}

/** The caller, as `authenticate` left it; a route mounted without it is a bug, answered 401. */
export function principalOf(ctx: { state: { principal?: Principal } }): Principal {
  const principal = ctx.state.principal;
  if (!principal) throw new AppError('unauthenticated');
  return principal;
}

export function orgObjectId(principal: Principal): Types.ObjectId {
  const id = toObjectId(principal.orgId);
  if (!id) throw new Error(`principal.orgId is not an ObjectId: ${principal.orgId}`);
  return id;
}

export function createdByOf(principal: Principal): Video['createdBy'] {
  return principal.kind === 'user'
    ? { kind: 'user', id: principal.userId }
    : { kind: 'api_key', id: principal.apiKeyId };
}

/** The catalogue: every query is scoped by the caller's organisation. */
export function createVideoService(deps: VideoServiceDeps) {
  const { Video, storage, queue, redis, logger } = deps;
  const catalogue = createCatalogueIndex({ Video, redis, prefix: deps.redisPrefix, logger });
  // Every write of a video through the model, wherever it is made, updates the index before the
  // write returns (one listener per connection and prefix, however many services are created).
  onVideoWrite(Video.db, deps.redisPrefix, catalogue.follow, catalogue.intend);

  /**
   * The org's video, or `video_not_found` (another org's id and a malformed id look the same).
   * Looked up by `_id` alone and the organisation compared here: FerretDB 1.24 pushes only a bare
   * `_id` equality down to its storage (`{ _id, orgId }` is a collection scan, ~6× slower), and
   * `orgId` never changes after creation, so the check is as strong as the compound filter.
   */
  /**
   * `{ _id }` straight through the driver (the raw document is what `lean()` returns anyway):
   * through mongoose's `findById(...).lean()` the same lookup measured 3–10× slower on FerretDB.
   */
  const findOneById = (_id: Types.ObjectId, projection?: Record<string, number>) =>
    Video.collection.findOne({ _id }, projection ? { projection } : {}) as Promise<Video | null>;

  async function find<K extends keyof Video = keyof Video>(
    orgId: Types.ObjectId,
    id: string,
    fields?: readonly K[],
  ): Promise<Pick<Video, K | '_id' | 'orgId'>> {
    const _id = toObjectId(id);
    const projection = fields ? Object.fromEntries([...fields, 'orgId'].map((f) => [f, 1])) : undefined;
    const video = _id ? await findOneById(_id, projection) : null;
    if (!video || !video.orgId.equals(orgId)) throw new AppError('video_not_found', `No video ${id}`);
    return video;
  }

  const get = (orgId: Types.ObjectId, id: string): Promise<Video> => find(orgId, id);

  /**
   * One video as the API returns it: from the catalogue index when it is ready (no database
   * read), else from the database.
   */
  async function getJson(orgId: Types.ObjectId, id: string): Promise<VideoJson> {
    const cached = toObjectId(id) ? await catalogue.one(orgId, id.toLowerCase()) : undefined;
    if (cached === undefined) throw new AppError('video_not_found', `No video ${id}`);
    return cached ?? toVideoJson(await get(orgId, id));
  }

  /**
   * One page, newest first. From the catalogue index when it is ready: the page's ids and their
   * API JSON from Redis, no database read. While the index is not ready, the database query that
   * MongoDB serves from the `orgId` indexes (and FerretDB by reading every document).
   */
  async function list(orgId: Types.ObjectId, q: ListVideosQuery): Promise<VideoList> {
    const search = q.q === undefined ? undefined : searchTokens(q.q);
    if (search?.length === 0) return { items: [], nextCursor: null };
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const ids = await catalogue.page(orgId, {
      status: q.status,
      visibility: q.visibility,
      search,
      after,
      count: q.limit + 1,
    });
    const items = ids ? await catalogue.items(orgId, ids.slice(0, q.limit)) : null;
    if (ids && items) {
      const lastId = ids[q.limit - 1];
      return {
        items,
        nextCursor: ids.length > q.limit && lastId ? encodeCursor(new Types.ObjectId(lastId)) : null,
      };
    }
    const docs = await Video.find(listFilter(orgId, q, search, after))
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean<Video[]>();
    const last = docs[q.limit - 1];
    return {
      items: docs.slice(0, q.limit).map(toVideoJson),
      nextCursor: docs.length > q.limit && last ? encodeCursor(last._id) : null,
    };
  }

  async function update(orgId: Types.ObjectId, id: string, body: UpdateVideoBody): Promise<VideoJson> {
    const { _id } = await find(orgId, id, ['_id']);
    const set: Record<string, unknown> = {};
    if (body.title !== undefined) set.title = body.title;
    if (body.description !== undefined) set.description = body.description;
    if (body.visibility !== undefined) set.visibility = body.visibility;
    const video = await Video.findByIdAndUpdate(
      _id,
      { $set: set },
      { returnDocument: 'after', runValidators: true },
    ).lean<Video>();
    if (!video) throw new AppError('video_not_found', `No video ${id}`); // deleted meanwhile
    return toVideoJson(video);
  }

  /** Removes a video's files; a missing folder is fine. */
  async function deleteFiles(orgId: string, videoId: string): Promise<void> {
    await storage.deletePrefix(videoPrefix(orgId, videoId));
  }

  /**
   * Deletes the document first (the video is gone for every reader at once), then withdraws its
   * jobs — the transcode's and those of dubs still processing: a waiting job is removed, a running
   * one cancelled on the cancel channel — then removes the files.
   */
  async function remove(orgId: Types.ObjectId, id: string): Promise<void> {
    const { _id, audioTracks } = await find(orgId, id, ['_id', 'audioTracks']);
    const deleted = await Video.deleteOne({ _id });
    if (deleted.deletedCount !== 1) throw new AppError('video_not_found', `No video ${id}`);
    const videoId = _id.toHexString();
    const dubs = (audioTracks ?? []).filter((t) => t.status === 'processing').map((t) => dubJobId(t.id));
    await Promise.all([videoId, ...dubs].map((jobId) => withdrawJob(deps, jobId)));
    await deleteFiles(orgId.toHexString(), videoId);
  }

  /**
   * Counts, total duration and bytes by status: the index's counters when it is ready (one
   * `HGETALL`), else `aggregateStats` (which the reconciliation also compares them with).
   */
  async function stats(orgId: Types.ObjectId): Promise<VideoStats> {
    const counters = await catalogue.counters(orgId);
    return counters ? statsFromCounters(counters) : aggregateStats(orgId);
  }

  /**
   * Counts, total duration and bytes by status, each an aggregation `$match` → `$group` → `$sort`
   * → `$project`. One pipeline per metric because FerretDB 1.24 computes only the first
   * accumulator of a `$group` (the others come back 0) and treats `$project: { x: '$_id' }` as a
   * literal string; both checked against FerretDB in the catalogue tests. The renaming happens here.
   */
  async function aggregateStats(orgId: Types.ObjectId): Promise<VideoStats> {
    const metric = (value: 1 | string) =>
      Video.aggregate<{ _id: VideoStatus; value: number | null }>([
        { $match: { orgId } },
        { $group: { _id: '$status', value: { $sum: value } } },
        { $sort: { _id: 1 } },
        { $project: { _id: 1, value: 1 } },
      ]);
    const [counts, durations, bytes] = await Promise.all([
      metric(1),
      metric('$metadata.duration'),
      metric('$source.size'),
    ]);
    const valueOf = (rows: Array<{ _id: VideoStatus; value: number | null }>, status: VideoStatus) =>
      rows.find((r) => r._id === status)?.value ?? 0;
    const byStatus = counts.map((c) => ({
      status: c._id,
      count: c.value ?? 0,
      durationSeconds: valueOf(durations, c._id),
      bytes: valueOf(bytes, c._id),
    }));
    const total = { count: 0, durationSeconds: 0, bytes: 0 };
    for (const r of byStatus) {
      total.count += r.count;
      total.durationSeconds += r.durationSeconds;
      total.bytes += r.bytes;
    }
    return { byStatus, total };
  }

  /**
   * Enqueues the transcode job of a video whose source is stored, with a priority from its
   * organisation's plan and waiting jobs (`transcodePriority`). When Redis refuses, the video is
   * discarded (document and files) so nothing half-made stays behind, and the client may retry.
   */
  async function enqueueOrDiscard(
    video: Pick<Video, '_id' | 'orgId'>,
    data: TranscodeJobData,
  ): Promise<void> {
    try {
      // Fairness: the job goes in the round after this organisation's waiting jobs, so another
      // organisation's single upload is not queued behind a burst; the plan orders each round.
      // The count from the catalogue index when ready: countDocuments reads every video on FerretDB.
      const [waiting, org] = await Promise.all([
        catalogue
          .countStatus(video.orgId, 'queued', video._id.toHexString())
          .then(
            (n) =>
              n ?? Video.countDocuments({ orgId: video.orgId, status: 'queued', _id: { $ne: video._id } }),
          ),
        createOrgModel(Video.db).findById(video.orgId).select('plan').lean<{ plan?: Plan }>(),
      ]);
      await enqueueTranscode(queue, data, transcodePriority(org?.plan ?? 'free', waiting));
    } catch (err) {
      logger.error({ err, videoId: data.videoId }, 'could not enqueue the transcode job');
      await discard(video.orgId, video._id.toHexString());
      // Found by the soak (a database restart): what failed here may be the database, not the queue;
      // either way the client should come back, and says when.
      throw (
        asDependencyOutage(err) ??
        new AppError('service_unavailable', 'The transcode queue is unavailable; try the upload again', {
          headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_S) },
        })
      );
    }
  }

  /** Removes whatever an upload left: document and files. Never throws. */
  async function discard(orgId: Types.ObjectId, videoId: string): Promise<void> {
    try {
      await Video.deleteOne({ _id: new Types.ObjectId(videoId) });
      await deleteFiles(orgId.toHexString(), videoId);
    } catch (err) {
      logger.error({ err, videoId }, 'could not clean up a failed upload');
    }
  }

  return {
    find,
    get,
    getJson,
    list,
    update,
    remove,
    stats,
    aggregateStats,
    enqueueOrDiscard,
    discard,
    /** The catalogue index (it follows every write of a video by itself). */
    catalogue,
  };
}

export type VideoService = ReturnType<typeof createVideoService>;

/** The database query of a page (MongoDB: `{ orgId, status?, visibility?, _id }` or the token index). */
function listFilter(
  orgId: Types.ObjectId,
  q: ListVideosQuery,
  search: readonly string[] | undefined,
  after: Types.ObjectId | undefined,
): Record<string, unknown> {
  const filter: Record<string, unknown> = { orgId };
  if (q.status) filter.status = q.status;
  if (q.visibility) filter.visibility = q.visibility;
  if (search) filter.$and = search.map((t) => ({ titleTokens: { $regex: `^${escapeRegExp(t)}` } }));
  if (after) filter._id = { $lt: after };
  return filter;
}
