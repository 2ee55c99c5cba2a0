import Router from '@koa/router';
import type { Storage } from '@reelkit/storage';
import type { Redis } from 'ioredis';
import type { Middleware } from 'koa';
import { Types, type Connection } from 'mongoose';
import type { ServerConfig } from '../config.js';
import { videoListSchema, videoSchema, videoStatsSchema, type Role } from '@reelkit/protocol';
import { AppError } from '../http/app-error.js';
import { defineRoute, mountRoutes, type RouteDef, type RouteSpec } from '../http/define-route.js';
import type { Logger } from '../logger.js';
import { fileQuery, listVideosQuery, titleFromFileName, updateVideoBody } from './schemas.js';
import { createFileCache } from './file-cache.js';
import { FILE_ANSWERS, FILE_HEADERS, RANGE_HEADERS } from './streaming-docs.js';
import { deliveryOffloadOf, playableFile, sendStoredFile } from './stream-file.js';
import type { TranscodeQueue } from './transcode-queue.js';
import { tusRoutes } from './tus-routes.js';
import { audioTrackRoutes } from './audio-track-routes.js';
import { createAudioGroupWriter } from './audio-group-writer.js';
import { captionRoutes } from './caption-routes.js';
import { createLock } from '../redis-lock.js';
import { receiveMultipart } from './upload-multipart.js';
import { toVideoJson } from './video-json.js';
import { DESCRIPTION_MAX, TITLE_MAX, VISIBILITIES, createVideoModel, type Video } from './video-model.js';
import { createVideoService, createdByOf, orgObjectId, principalOf } from './video-service.js';

export { createVideoModel } from './video-model.js';
export type { StoredFile, Video, VideoModel, VideoSource, VideoStatus, Visibility } from './video-model.js';
export { createTranscodeQueue, enqueueTranscode } from './transcode-queue.js';
export type { TranscodeQueue } from './transcode-queue.js';
export { toVideoJson } from './video-json.js';
export type { VideoJson } from './video-json.js';
export { createVideoService } from './video-service.js';
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
  announce?: (
    change:
      | { type: 'created' | 'deleted'; video: Video }
      | { type: 'updated'; video: Video; changes: Array<'captions' | 'audioTracks'>; at: number },
  ) => Promise<void>;
}

/** Limit of the JSON body of `PATCH /v1/videos/:id`. */
const PATCH_BODY_LIMIT = '16kb';

/** `POST /v1/videos`: the body is streamed to storage, not parsed by zod. */
const MULTIPART_BODY = {
  contentType: 'multipart/form-data',
  description: 'The video file as `multipart/form-data` (streamed, magic bytes sniffed, size capped).',
  schema: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', contentMediaType: 'application/octet-stream' },
      title: { type: 'string', minLength: 1, maxLength: TITLE_MAX },
      description: { type: 'string', maxLength: DESCRIPTION_MAX },
      visibility: { type: 'string', enum: [...VISIBILITIES] },
    },
  },
};

/** The video routes on a router of their own, for tests and benchmarks that run them alone. */
export function videoRouter(deps: VideoRoutesDeps): { router: Router; routes: RouteSpec[] } {
  const { defs, preflight } = videoRoutes(deps);
  const router = new Router();
  preflight(router);
  const routes = mountRoutes(router, defs, {
    authenticate: deps.authenticate,
    authorize: deps.authorize,
    jsonLimit: deps.config.JSON_BODY_LIMIT,
  });
  return { router, routes };
}

/**
 * Uploads (multipart and tus), the catalogue and progressive streaming. Every route authenticates
 * and reads only the caller's organisation; another organisation's video is a 404.
 */
export function videoRoutes(deps: VideoRoutesDeps): {
  /** The routes, in mounting order (`/stats` before `/:id`). */
  defs: RouteDef[];
  /** Mounts the CORS/tus `OPTIONS` answers, which are not API operations, on the API router. */
  preflight: (router: Router) => void;
} {
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
  const defs: RouteDef[] = [];

  defs.push(
    defineRoute(
      {
        method: 'post',
        path: '/v1/videos',
        auth: 'editor',
        summary: 'Upload a video (multipart/form-data)',
        tag: 'videos',
        status: 201,
        response: videoSchema,
        rawBody: MULTIPART_BODY,
        answers: {
          413: 'The file exceeds `MAX_UPLOAD_BYTES` (`upload_too_large`), or a part is too large.',
          415: 'Not multipart/form-data, or the file is not a supported media container (video, or audio-only) (`upload_type_rejected`).',
          507: 'The storage volume is full (`storage_full`, with `Retry-After`); nothing was kept.',
        },
        responseHeaders: { Location: 'The new video’s URL, `/v1/videos/{id}`.' },
      },
      async (ctx) => {
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
      },
    ),
    defineRoute(
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
      async (ctx, { query }) => {
        ctx.body = await service.list(orgObjectId(principalOf(ctx)), query);
      },
    ),
    // Before `/:id`, which would otherwise take "stats" as an id.
    defineRoute(
      {
        method: 'get',
        path: '/v1/videos/stats',
        auth: 'viewer',
        summary: 'Counts, duration and bytes by status',
        tag: 'videos',
        status: 200,
        response: videoStatsSchema,
      },
      async (ctx) => {
        ctx.body = await service.stats(orgObjectId(principalOf(ctx)));
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/videos/:id',
        auth: 'viewer',
        summary: 'One video',
        tag: 'videos',
        status: 200,
        response: videoSchema,
      },
      async (ctx) => {
        ctx.body = await service.getJson(orgObjectId(principalOf(ctx)), ctx.params.id ?? '');
      },
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/v1/videos/:id',
        auth: 'editor',
        summary: 'Edit title, description, visibility',
        tag: 'videos',
        body: updateVideoBody,
        bodyLimit: PATCH_BODY_LIMIT,
        status: 200,
        response: videoSchema,
      },
      async (ctx, { body }) => {
        ctx.body = await service.update(orgObjectId(principalOf(ctx)), ctx.params.id ?? '', body);
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/videos/:id',
        auth: 'editor',
        summary: 'Delete a video, its files and its job',
        tag: 'videos',
        status: 204,
      },
      async (ctx) => {
        const orgId = orgObjectId(principalOf(ctx));
        const video = await service.get(orgId, ctx.params.id ?? '');
        await service.remove(orgId, ctx.params.id ?? '');
        fileCache.forget(`${orgId.toHexString()}:${ctx.params.id ?? ''}`);
        await announce({ type: 'deleted', video });
        ctx.status = 204;
      },
    ),
    // GET also answers HEAD (@koa/router).
    defineRoute(
      {
        method: 'get',
        path: '/v1/videos/:id/file',
        auth: 'viewer',
        summary: 'Progressive download with Range (also HEAD); `?token=` takes a playback token',
        tag: 'videos',
        query: fileQuery,
        status: 200,
        produces: [
          'video/mp4',
          'video/quicktime',
          'video/webm',
          'video/x-matroska',
          'audio/mp4',
          'audio/mpeg',
          'audio/wav',
          'audio/flac',
          'audio/ogg',
          'application/octet-stream',
        ],
        answers: FILE_ANSWERS,
        requestHeaders: RANGE_HEADERS,
        responseHeaders: FILE_HEADERS,
        authenticate: deps.authenticatePlayback ?? deps.authenticate,
      },
      async (ctx) => {
        const orgId = orgObjectId(principalOf(ctx));
        const id = ctx.params.id ?? '';
        const file = await fileCache.get(
          `${orgId.toHexString()}:${id}`,
          async () => playableFile(await service.find(orgId, id, ['source', 'mp4'])) ?? null,
        );
        if (!file) throw new AppError('upload_incomplete', 'The upload of this video has not finished');
        await sendStoredFile(ctx, storage, file, { offload: deliveryOffloadOf(config, storage) });
      },
    ),
  );

  defs.push(
    ...captionRoutes({
      Video,
      service,
      storage,
      withLock: createLock(deps.redis, config.REDIS_PREFIX),
      announceUpdate: (video) =>
        announce({ type: 'updated', video, changes: ['captions'], at: video.updatedAt.getTime() }),
    }),
  );

  defs.push(
    ...audioTrackRoutes({
      config,
      service,
      storage,
      queue: deps.queue,
      redis: deps.redis,
      redisPrefix: config.REDIS_PREFIX,
      writer: createAudioGroupWriter({ Video, storage, redis: deps.redis, prefix: config.REDIS_PREFIX }),
      logger,
      announceUpdate: (video) =>
        announce({ type: 'updated', video, changes: ['audioTracks'], at: video.updatedAt.getTime() }),
    }),
  );

  const tus = tusRoutes({
    Video,
    storage,
    service,
    maxBytes: config.MAX_UPLOAD_BYTES,
    expiryMs: config.UPLOAD_EXPIRY_S * 1000,
    ...(deps.now ? { now: deps.now } : {}),
    logger,
    announce,
  });
  defs.push(...tus.defs);
  return { defs, preflight: tus.preflight };
}
