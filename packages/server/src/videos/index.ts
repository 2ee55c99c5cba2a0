import Router from '@koa/router';
import type { Role } from '@reelkit/protocol';
import type { Storage } from '@reelkit/storage';
import type { Redis } from 'ioredis';
import type { Middleware } from 'koa';
import { Types, type Connection } from 'mongoose';
import type { ServerConfig } from '../config.js';
import { AppError } from '../http/app-error.js';
import type { RouteSpec } from '../http/define-route.js';
import { jsonBody } from '../http/json-body.js';
import { parseOr400 } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { listVideosQuery, titleFromFileName, updateVideoBody } from './schemas.js';
import { createFileCache } from './file-cache.js';
import { playableFile, sendStoredFile } from './stream-file.js';
import type { TranscodeQueue } from './transcode-queue.js';
import { mountTusRoutes } from './tus-routes.js';
import { receiveMultipart } from './upload-multipart.js';
import { toVideoJson, videoJsonSchema } from './video-json.js';
import { createVideoModel, type Video } from './video-model.js';
import {
  createVideoService,
  createdByOf,
  orgObjectId,
  principalOf,
  videoListSchema,
  videoStatsSchema,
} from './video-service.js';

export { createVideoModel } from './video-model.js';
export type { StoredFile, Video, VideoModel, VideoSource, VideoStatus, Visibility } from './video-model.js';
export { createTranscodeQueue, enqueueTranscode } from './transcode-queue.js';
export type { TranscodeQueue } from './transcode-queue.js';
export {
  publicRenditionSchema,
  sensitivitySchema,
  toVideoJson,
  videoJsonSchema,
  videoMetadataSchema,
} from './video-json.js';
export type { VideoJson } from './video-json.js';
export { createVideoService, videoListSchema, videoStatsSchema } from './video-service.js';
export type { VideoList, VideoService, VideoStats } from './video-service.js';
export { storedFileFromStat } from './stored-file.js';
export { createUploadSweeper } from './upload-sweeper.js';
export { createStorageJanitor } from './storage-janitor.js';
export type { StorageJanitor, StorageJanitorDeps } from './storage-janitor.js';
export type { UploadSweeper, UploadSweeperDeps } from './upload-sweeper.js';

export interface VideoRoutesDeps {
  config: ServerConfig;
  db: Connection;
  redis: Redis;
  storage: Storage;
  /** BullMQ producer of the `transcode` queue (`createTranscodeQueue`). */
  queue: TranscodeQueue;
  /** Sets `ctx.state.principal` or throws 401. */
  authenticate: Middleware;
  /** Throws 403 when the principal's role is below `min`. */
  authorize: (min: Role) => Middleware;
  /**
   * Authentication of `GET|HEAD /v1/videos/:id/file`. A `<video src>` cannot send headers, so
   * this is where a playback token from the query string (`?token=`) is accepted. Defaults to
   * `authenticate`.
   */
  authenticatePlayback?: Middleware;
  logger: Logger;
  /** Clock of upload expiry (tests control it); defaults to Date.now. */
  now?: () => number;
  /** Told when a video is created or deleted (realtime events, webhooks). */
  announce?: (change: { type: 'created' | 'deleted'; video: Video }) => Promise<void>;
}

/** Limit of the JSON body of `PATCH /v1/videos/:id`. */
const PATCH_BODY_LIMIT = '16kb';

/** Every route `videoRoutes` mounts, as data (for the route-table security tests and API docs). */
export const VIDEO_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/v1/videos',
    auth: 'editor',
    summary: 'Upload a video (multipart/form-data)',
    tag: 'videos',
    status: 201,
    response: videoJsonSchema,
  },
  {
    method: 'get',
    path: '/v1/videos',
    auth: 'viewer',
    summary: 'List the organisation’s videos',
    tag: 'videos',
    query: listVideosQuery,
    status: 200,
    response: videoListSchema,
  },
  {
    method: 'get',
    path: '/v1/videos/stats',
    auth: 'viewer',
    summary: 'Counts, duration and bytes by status',
    tag: 'videos',
    status: 200,
    response: videoStatsSchema,
  },
  {
    method: 'get',
    path: '/v1/videos/:id',
    auth: 'viewer',
    summary: 'One video',
    tag: 'videos',
    status: 200,
    response: videoJsonSchema,
  },
  {
    method: 'patch',
    path: '/v1/videos/:id',
    auth: 'editor',
    summary: 'Edit title, description, visibility',
    tag: 'videos',
    body: updateVideoBody,
    status: 200,
    response: videoJsonSchema,
  },
  {
    method: 'delete',
    path: '/v1/videos/:id',
    auth: 'editor',
    summary: 'Delete a video, its files and its job',
    tag: 'videos',
    status: 204,
  },
  {
    method: 'get',
    path: '/v1/videos/:id/file',
    auth: 'viewer',
    summary: 'Progressive download with Range (also HEAD)',
    tag: 'videos',
    status: 200,
  },
  {
    method: 'post',
    path: '/v1/uploads',
    auth: 'editor',
    summary: 'tus: create a resumable upload',
    tag: 'uploads',
    status: 201,
  },
  {
    method: 'head',
    path: '/v1/uploads/:id',
    auth: 'editor',
    summary: 'tus: current offset',
    tag: 'uploads',
    status: 200,
  },
  {
    method: 'patch',
    path: '/v1/uploads/:id',
    auth: 'editor',
    summary: 'tus: append bytes at Upload-Offset',
    tag: 'uploads',
    status: 204,
  },
  {
    method: 'delete',
    path: '/v1/uploads/:id',
    auth: 'editor',
    summary: 'tus: abandon an upload',
    tag: 'uploads',
    status: 204,
  },
];

/**
 * Uploads (multipart and tus), the catalogue and progressive streaming. Every route authenticates
 * and reads only the caller's organisation; another organisation's video is a 404.
 */
export function videoRoutes(deps: VideoRoutesDeps): Router {
  const { config, storage, logger } = deps;
  const Video = createVideoModel(deps.db);
  const service = createVideoService({
    Video,
    storage,
    queue: deps.queue,
    redis: deps.redis,
    redisPrefix: config.REDIS_PREFIX,
    logger,
  });
  /** Announcing is best effort: the upload or delete has happened whatever the announcement does. */
  const announce: NonNullable<VideoRoutesDeps['announce']> = async (change) => {
    try {
      await deps.announce?.(change);
    } catch (err) {
      logger.warn({ err, videoId: String(change.video._id) }, 'could not announce a video change');
    }
  };
  const fileCache = createFileCache();
  const viewer = [deps.authenticate, deps.authorize('viewer')];
  const editor = [deps.authenticate, deps.authorize('editor')];
  const router = new Router();

  router.post('/v1/videos', ...editor, async (ctx) => {
    if (!ctx.is('multipart/form-data')) {
      throw new AppError(
        'unsupported_media_type',
        'Send multipart/form-data with a `file` part, or use tus at /v1/uploads',
      );
    }
    const principal = principalOf(ctx);
    const orgId = orgObjectId(principal);
    const _id = new Types.ObjectId();
    const videoId = _id.toHexString();
    const up = await receiveMultipart(ctx.req, {
      storage,
      orgId,
      videoId: _id,
      maxBytes: config.MAX_UPLOAD_BYTES,
    });
    let video;
    try {
      video = await Video.create({
        _id,
        orgId,
        title: up.fields.title ?? titleFromFileName(up.originalName),
        description: up.fields.description ?? '',
        visibility: up.fields.visibility ?? 'private',
        status: 'queued',
        progress: { stage: 'queued', percent: 0 },
        source: {
          key: up.key,
          size: up.size,
          sha256: up.sha256,
          etag: `"${Buffer.from(up.sha256, 'hex').toString('base64url')}"`,
          lastModified: new Date(),
          mimeType: up.type.mimeType,
          container: up.type.container,
          ...(up.originalName ? { originalName: up.originalName } : {}),
        },
        createdBy: createdByOf(principal),
      });
    } catch (err) {
      await service.discard(orgId, videoId);
      throw err;
    }
    await service.catalogue.sync(video.toObject());
    await service.enqueueOrDiscard(video, {
      orgId: orgId.toHexString(),
      videoId,
      sourceKey: up.key,
      ...(up.originalName ? { originalName: up.originalName } : {}),
    });
    logger.info({ videoId, size: up.size, requestId: ctx.state.requestId }, 'video uploaded');
    await announce({ type: 'created', video: video.toObject() });
    ctx.status = 201;
    ctx.set('Location', `/v1/videos/${videoId}`);
    ctx.body = toVideoJson(video.toObject());
  });

  router.get('/v1/videos', ...viewer, async (ctx) => {
    const query = parseOr400(listVideosQuery, ctx.query, 'query string');
    ctx.body = await service.list(orgObjectId(principalOf(ctx)), query);
  });

  // Before `/:id`, which would otherwise take "stats" as an id.
  router.get('/v1/videos/stats', ...viewer, async (ctx) => {
    ctx.body = await service.stats(orgObjectId(principalOf(ctx)));
  });

  router.get('/v1/videos/:id', ...viewer, async (ctx) => {
    const video = await service.get(orgObjectId(principalOf(ctx)), ctx.params.id ?? '');
    ctx.body = toVideoJson(video);
  });

  router.patch('/v1/videos/:id', jsonBody(PATCH_BODY_LIMIT), ...editor, async (ctx) => {
    const body = parseOr400(updateVideoBody, ctx.request.body ?? {}, 'request body');
    ctx.body = await service.update(orgObjectId(principalOf(ctx)), ctx.params.id ?? '', body);
  });

  router.delete('/v1/videos/:id', ...editor, async (ctx) => {
    const orgId = orgObjectId(principalOf(ctx));
    const video = await service.get(orgId, ctx.params.id ?? '');
    await service.remove(orgId, ctx.params.id ?? '');
    fileCache.forget(`${orgId.toHexString()}:${ctx.params.id ?? ''}`);
    await announce({ type: 'deleted', video });
    ctx.status = 204;
  });

  // GET also answers HEAD (@koa/router).
  router.get(
    '/v1/videos/:id/file',
    deps.authenticatePlayback ?? deps.authenticate,
    deps.authorize('viewer'),
    async (ctx) => {
      const orgId = orgObjectId(principalOf(ctx));
      const id = ctx.params.id ?? '';
      const file = await fileCache.get(
        `${orgId.toHexString()}:${id}`,
        async () => playableFile(await service.find(orgId, id, ['source', 'mp4'])) ?? null,
      );
      if (!file) throw new AppError('upload_incomplete', 'The upload of this video has not finished');
      await sendStoredFile(ctx, storage, file);
    },
  );

  mountTusRoutes(router, {
    Video,
    storage,
    service,
    authenticate: deps.authenticate,
    authorize: deps.authorize,
    maxBytes: config.MAX_UPLOAD_BYTES,
    expiryMs: config.UPLOAD_EXPIRY_S * 1000,
    ...(deps.now ? { now: deps.now } : {}),
    logger,
    announce,
  });
  return router;
}
