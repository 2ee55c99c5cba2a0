import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type Router from '@koa/router';
import type { VideoRoutesDeps } from './index.js';
import type { Storage } from '@reelkit/storage';
import { isStorageFullError, videoKey, videoPrefix } from '@reelkit/storage';
import type { Context, Middleware } from 'koa';
import type { Types } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { defineRoute, type HeaderSpec, type RouteDef } from '../http/define-route.js';
import { httpDate } from './conditional-request.js';
import { noteStage } from '../http/slow-request-log.js';
import { onBodyGone } from '../http/on-body-gone.js';
import { parseOr400 } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { cleanFileName, titleFromFileName, uploadFields } from './schemas.js';
import { SNIFF_BYTES } from './sniff-container.js';
import { UploadInspector } from './upload-inspector.js';
import { parseUploadMetadata } from './upload-metadata.js';
import { createdByOf, orgObjectId, principalOf, type VideoService } from './video-service.js';
import type { PendingUpload, Video, VideoModel } from './video-model.js';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,creation-with-upload,termination,expiration';
const OFFSET_STREAM = 'application/offset+octet-stream';
const DIGITS = /^\d{1,16}$/;
const METADATA_MAX = 16 * 1024;
const OVERRIDABLE = new Set(['PATCH', 'DELETE', 'HEAD']);

/**
 * tus core: a client whose environment cannot send PATCH or DELETE sends POST with
 * `X-HTTP-Method-Override`, and the server MUST take it as that method. Mounted before the
 * routers, so the request is routed as the method it stands for.
 */
export function tusMethodOverride(base = '/v1/uploads/'): Middleware {
  return async (ctx, next) => {
    const override = ctx.get('X-HTTP-Method-Override').toUpperCase();
    if (override && ctx.method === 'POST' && ctx.path.startsWith(base) && OVERRIDABLE.has(override)) {
      ctx.method = override;
    }
    await next();
  };
}

const TUS_RESUMABLE_HEADER: HeaderSpec = {
  name: 'Tus-Resumable',
  required: true,
  description: 'The tus version the client speaks.',
  schema: { type: 'string', const: TUS_VERSION },
};

export interface TusDeps {
  Video: VideoModel;
  storage: Storage;
  service: VideoService;
  maxBytes: number;
  /** An upload with no new bytes for this long expires (410) and the sweeper removes it. */
  expiryMs: number;
  now?: () => number;
  logger: Logger;
  announce?: VideoRoutesDeps['announce'];
}

/**
 * A request body that ends (instead of failing) when the client goes away, so the bytes that did
 * arrive are kept and a resumed upload continues from there (tus: "store as much as possible").
 */
function endOnAbort(req: IncomingMessage): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  req.pipe(out);
  const stop = () => {
    if (out.writableEnded) return;
    req.unpipe(out);
    out.end();
  };
  req.once('error', stop);
  onBodyGone(req, stop);
  return out;
}

/** Whether a request carries a body (a length above 0, or chunked). */
function hasBody(ctx: Context): boolean {
  const length = ctx.get('Content-Length');
  return length ? Number(length) > 0 : ctx.get('Transfer-Encoding') !== '';
}

function headerInt(ctx: Context, name: string): number {
  const raw = ctx.get(name);
  if (!DIGITS.test(raw)) {
    throw new AppError('validation_failed', `${name}: a non-negative integer is required`, {
      errors: [{ path: name, message: 'a non-negative integer is required' }],
    });
  }
  return Number(raw);
}

/** The first bytes of an upload already stored in parts, for sniffing a resumed upload. */
async function storedHead(storage: Storage, parts: PendingUpload['parts']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for (const part of parts) {
    if (have >= SNIFF_BYTES) break;
    const want = Math.min(part.size, SNIFF_BYTES - have);
    if (want <= 0) continue;
    for await (const c of storage.read(part.key, { start: 0, end: want - 1 })) {
      chunks.push(c as Buffer);
      have += (c as Buffer).length;
    }
  }
  return Buffer.concat(chunks);
}

/** All parts, in order, as one stream. */
function concatParts(storage: Storage, parts: PendingUpload['parts']): Readable {
  return Readable.from(
    (async function* () {
      for (const part of parts) yield* storage.read(part.key);
    })(),
  );
}

/**
 * The tus 1.0 core protocol (plus creation, termination and expiration) under `/v1/uploads`, written for Koa
 * over the storage interface: each PATCH is stored as one part (`<org>/<video>/tus/<offset>-<rand>/data`,
 * written atomically, kept even when the connection is cut), the offset lives in the video
 * document and moves with a compare-and-set, and the last part concatenates everything into
 * `source` (hashed and sniffed on the way) and enqueues the transcode job.
 */
export function tusRoutes(deps: TusDeps): {
  defs: RouteDef[];
  /** Mounts the tus `OPTIONS` answers (capabilities), which are not API operations. */
  preflight: (router: Router) => void;
} {
  const { Video, storage, service, maxBytes, expiryMs, logger } = deps;
  const now = deps.now ?? Date.now;
  const expiryFromNow = () => new Date(now() + expiryMs);

  /** 410 once an upload in progress has expired (the sweeper may not have removed it yet). */
  const assertNotExpired = (upload: PendingUpload) => {
    if (upload.expiresAt && upload.expiresAt.getTime() <= now())
      throw new AppError('upload_expired', 'Start a new upload: this one received no bytes for too long');
  };
  const base = '/v1/uploads';

  const tusHeaders: Middleware = async (ctx, next) => {
    ctx.set('Tus-Resumable', TUS_VERSION);
    if (ctx.method !== 'OPTIONS' && ctx.get('Tus-Resumable') !== TUS_VERSION) {
      throw new AppError('tus_version_unsupported', `Send Tus-Resumable: ${TUS_VERSION}`, {
        headers: { 'Tus-Version': TUS_VERSION, 'Tus-Resumable': TUS_VERSION },
      });
    }
    await next();
  };

  const options: Middleware = (ctx) => {
    ctx.set('Tus-Version', TUS_VERSION);
    ctx.set('Tus-Extension', TUS_EXTENSIONS);
    ctx.set('Tus-Max-Size', String(maxBytes));
    ctx.status = 204;
  };
  const preflight = (router: Router) => {
    router.options(base, tusHeaders, options);
    router.options(`${base}/:id`, tusHeaders, options);
  };

  /**
   * Removes an upload whose creation was announced (`video:created`), and says so: live clients
   * drop the video instead of keeping an "uploading" ghost.
   */
  async function discardAnnounced(video: Video): Promise<void> {
    await service.discard(video.orgId, video._id.toHexString());
    await deps.announce?.({ type: 'deleted', video });
  }

  async function loadUpload(ctx: Context) {
    const orgId = orgObjectId(principalOf(ctx));
    const video = await service.find(orgId, ctx.params.id ?? '');
    return { orgId, video };
  }

  /**
   * Stores the request body as the part that starts at `offset` (at most the bytes the upload still
   * lacks; sniffed unless an earlier part decided the container) and moves the offset with a
   * compare-and-set. Returns the new offset. A cut connection keeps what arrived (tus: "store as
   * much as possible"); a refused body (not a video, more bytes than announced) leaves nothing of
   * itself behind and throws its `AppError`, with `Connection: close` so the rest is not read.
   */
  async function appendBody(
    ctx: Context,
    orgId: Types.ObjectId,
    video: Video,
    offset: number,
  ): Promise<number> {
    const upload = video.upload!;
    const remaining = upload.length - offset;
    if (remaining <= 0) return offset;
    const partDir = videoKey(
      orgId.toHexString(),
      video._id.toHexString(),
      'tus',
      `${offset}-${randomBytes(4).toString('hex')}`,
    );
    const partKey = `${partDir}/data`;
    const inspector = new UploadInspector({
      maxBytes: remaining,
      sniff: !upload.container,
      ...(offset > 0 && !upload.container ? { priorHead: await storedHead(storage, upload.parts) } : {}),
      endIsFinal: false,
      hash: false,
    });
    const body = endOnAbort(ctx.req);
    // Storage may attach its own listeners only after an await (mkdir); until then the
    // inspector's verdict must not be an unhandled 'error'. The first error is the answer.
    let failure: unknown;
    inspector.on('error', (e) => (failure ??= e));
    body.pipe(inspector);
    try {
      await storage.write(partKey, inspector);
    } catch (caught) {
      const err = failure ?? caught;
      body.unpipe(inspector);
      await storage.deletePrefix(`${partDir}/`);
      if (err instanceof AppError)
        throw new AppError(err.code, err.message, { headers: { Connection: 'close' } });
      throw err;
    }
    const size = inspector.size;
    if (size === 0) {
      await storage.deletePrefix(`${partDir}/`);
      return offset;
    }
    const set: Record<string, unknown> = { 'upload.offset': offset + size };
    if (inspector.type) {
      set['upload.container'] = inspector.type.container;
      set['upload.mimeType'] = inspector.type.mimeType;
    }
    const moved = await Video.updateOne(
      { _id: video._id, orgId, status: 'uploading', 'upload.offset': offset },
      { $set: set, $push: { 'upload.parts': { key: partKey, size } } },
    );
    if (moved.modifiedCount !== 1) {
      // Another PATCH for the same offset won the race; this part is not part of the file.
      await storage.deletePrefix(`${partDir}/`);
      throw new AppError('upload_offset_mismatch', 'A concurrent PATCH moved the offset');
    }
    return offset + size;
  }

  // Creation
  const defs: RouteDef[] = [];
  defs.push(
    defineRoute(
      {
        method: 'post',
        path: base,
        auth: 'editor',
        summary: 'tus: create a resumable upload (with its first bytes, creation-with-upload)',
        tag: 'uploads',
        status: 201,
        rawBody: {
          contentType: OFFSET_STREAM,
          description:
            'tus creation-with-upload: optionally the first bytes of the file, stored as if by a PATCH at offset 0.',
          schema: { type: 'string', contentMediaType: 'application/octet-stream' },
          required: false,
        },
        requestHeaders: [
          TUS_RESUMABLE_HEADER,
          {
            name: 'Upload-Length',
            required: true,
            description: 'The size of the whole file in bytes.',
            schema: { type: 'string', pattern: '^\\d{1,16}$' },
          },
          {
            name: 'Upload-Metadata',
            required: false,
            description:
              'tus metadata: comma-separated `key base64value` pairs; `filename`, `title`, `description`, `visibility` are read.',
          },
        ],
        answers: {
          412: 'The client speaks another tus version (`tus_version_unsupported`).',
          413: 'Upload-Length exceeds `MAX_UPLOAD_BYTES`, or the body is longer than Upload-Length (`upload_too_large`); nothing is created.',
          415: 'An empty file, or first bytes that are not a supported media container (video, or audio-only) (`upload_type_rejected`); a body that is not `application/offset+octet-stream` (`unsupported_media_type`). Nothing is created.',
        },
        responseHeaders: {
          Location: 'The upload URL, `/v1/uploads/{id}`.',
          'Reelkit-Video-Id': 'The id of the video the upload becomes.',
          'Upload-Offset': 'Bytes stored: `0`, or the length of the body sent with the creation.',
          'Upload-Expires': 'When the upload expires without new bytes (HTTP date).',
          'Tus-Resumable': '`1.0.0`.',
        },
        before: [tusHeaders],
      },
      async (ctx) => {
        if (ctx.get('Upload-Defer-Length'))
          throw new AppError('validation_failed', 'Upload-Defer-Length is not supported');
        const length = headerInt(ctx, 'Upload-Length');
        if (length > maxBytes) throw new AppError('upload_too_large', `The upload exceeds ${maxBytes} bytes`);
        if (length === 0) throw new AppError('upload_type_rejected', 'An empty file is not a video');
        // creation-with-upload: a body is the upload's first bytes, and only as the offset stream.
        const withBody = hasBody(ctx);
        if (withBody && !ctx.is(OFFSET_STREAM)) {
          throw new AppError(
            'unsupported_media_type',
            `Send the first bytes as ${OFFSET_STREAM}, or no body`,
            {
              headers: { Connection: 'close' },
            },
          );
        }
        const declared = Number(ctx.get('Content-Length'));
        if (withBody && Number.isFinite(declared) && declared > length) {
          throw new AppError('upload_too_large', `The body is longer than Upload-Length (${length} bytes)`, {
            headers: { Connection: 'close' },
          });
        }
        const rawMetadata = ctx.get('Upload-Metadata');
        if (rawMetadata.length > METADATA_MAX)
          throw new AppError('validation_failed', `Upload-Metadata: at most ${METADATA_MAX} characters`);
        const meta = parseUploadMetadata(rawMetadata || undefined);
        if (!meta) throw new AppError('validation_failed', 'Upload-Metadata is malformed');
        const fields = parseOr400(
          uploadFields,
          Object.fromEntries(
            (['title', 'description', 'visibility'] as const)
              .filter((k) => k in meta)
              .map((k) => [k, meta[k]]),
          ),
          'Upload-Metadata',
        );
        const originalName = cleanFileName(meta.filename ?? meta.name);
        const principal = principalOf(ctx);
        const video = await Video.create({
          orgId: orgObjectId(principal),
          title: fields.title ?? titleFromFileName(originalName),
          description: fields.description ?? '',
          visibility: fields.visibility ?? 'private',
          status: 'uploading',
          progress: { stage: 'upload', percent: 0 },
          upload: {
            length,
            offset: 0,
            parts: [],
            expiresAt: expiryFromNow(),
            ...(originalName ? { originalName } : {}),
            ...(rawMetadata ? { metadata: rawMetadata } : {}),
          },
          createdBy: createdByOf(principal),
        });
        const created = video.toObject();
        await deps.announce?.({ type: 'created', video: created });
        let offset = 0;
        if (withBody) {
          try {
            offset = await appendBody(ctx, created.orgId, created, 0);
          } catch (err) {
            // A refused first body leaves no upload behind: the client learnt no URL to resume.
            await discardAnnounced(created);
            throw err;
          }
          if (offset === length) await finalize(created.orgId, created._id);
        }
        ctx.status = 201;
        ctx.set('Location', `${base}/${video._id.toHexString()}`);
        // The upload URL is not the video's; clients read the video id here.
        ctx.set('Reelkit-Video-Id', video._id.toHexString());
        ctx.set('Upload-Offset', String(offset));
        ctx.set('Upload-Expires', httpDate(video.upload!.expiresAt!));
      },
    ),
  );

  // Offset
  defs.push(
    defineRoute(
      {
        method: 'head',
        path: `${base}/:id`,
        auth: 'editor',
        summary: 'tus: current offset',
        tag: 'uploads',
        status: 200,
        requestHeaders: [TUS_RESUMABLE_HEADER],
        answers: {
          410: 'The upload expired (`upload_expired`).',
          412: 'The client speaks another tus version (`tus_version_unsupported`).',
          507: 'Every byte was stored but joining them hit a full volume (`storage_full`, with `Retry-After`): the last part was taken back; HEAD again and resend it.',
        },
        responseHeaders: {
          'Upload-Offset': 'Bytes received so far.',
          'Upload-Length': 'The size of the whole file.',
          'Upload-Expires': 'When the upload expires without new bytes (HTTP date).',
          'Tus-Resumable': '`1.0.0`.',
        },
        before: [tusHeaders],
      },
      async (ctx) => {
        const loaded = await loadUpload(ctx);
        let video = loaded.video;
        if (video.upload) assertNotExpired(video.upload);
        if (video.status === 'uploading' && video.upload && video.upload.offset === video.upload.length) {
          // Every byte is stored but the upload was never joined: the request that stored the last
          // part died before finalizing (an API killed, a database outage). To the client an
          // offset equal to the length means done, and it would never PATCH again: finalize now.
          await finishStalled(loaded.orgId, video);
          video = (await loadUpload(ctx)).video;
        }
        if (video.upload?.expiresAt) ctx.set('Upload-Expires', httpDate(video.upload.expiresAt));
        const length = video.upload?.length ?? video.source?.size ?? 0;
        const offset = video.upload ? video.upload.offset : length;
        ctx.set('Upload-Offset', String(offset));
        ctx.set('Upload-Length', String(length));
        if (video.upload?.metadata) ctx.set('Upload-Metadata', video.upload.metadata);
        ctx.set('Cache-Control', 'no-store');
        ctx.status = 200;
      },
    ),
  );

  // Append
  defs.push(
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:id`,
        auth: 'editor',
        summary: 'tus: append bytes at Upload-Offset',
        tag: 'uploads',
        status: 204,
        rawBody: {
          contentType: OFFSET_STREAM,
          description: 'tus: bytes from `Upload-Offset` on.',
          schema: { type: 'string', contentMediaType: 'application/octet-stream' },
        },
        requestHeaders: [
          TUS_RESUMABLE_HEADER,
          {
            name: 'Upload-Offset',
            required: true,
            description: 'Where these bytes start: the offset the server has.',
            schema: { type: 'string', pattern: '^\\d{1,16}$' },
          },
        ],
        answers: {
          409: 'Upload-Offset is not the server’s offset (`upload_offset_mismatch`; the answer’s `Upload-Offset` says it).',
          410: 'The upload expired (`upload_expired`).',
          412: 'The client speaks another tus version (`tus_version_unsupported`).',
          413: 'More bytes than announced (`upload_too_large`).',
          415: 'Not `application/offset+octet-stream`, or the bytes are not a supported media container (video, or audio-only).',
          507: 'The storage volume is full (`storage_full`, with `Retry-After`): this chunk was not kept; resume from `HEAD`.',
        },
        responseHeaders: {
          'Upload-Offset': 'Bytes received so far, these included.',
          'Upload-Expires': 'When the upload expires without new bytes (HTTP date).',
          'Tus-Resumable': '`1.0.0`.',
        },
        before: [tusHeaders],
      },
      async (ctx) => {
        if (!ctx.is(OFFSET_STREAM)) throw new AppError('unsupported_media_type', `Send ${OFFSET_STREAM}`);
        const offset = headerInt(ctx, 'Upload-Offset');
        let stageStart = performance.now();
        const stage = (name: string) => {
          noteStage(ctx, name, performance.now() - stageStart);
          stageStart = performance.now();
        };
        const { orgId, video } = await loadUpload(ctx);
        const upload = video.upload;
        if (!upload || video.status !== 'uploading') {
          // Already complete: a client repeating its last PATCH learns the final offset.
          const size = video.source?.size ?? 0;
          if (offset !== size)
            throw new AppError('upload_offset_mismatch', undefined, {
              headers: { 'Upload-Offset': String(size) },
            });
          ctx.set('Upload-Offset', String(size));
          ctx.status = 204;
          return;
        }
        assertNotExpired(upload);
        if (offset !== upload.offset) {
          throw new AppError('upload_offset_mismatch', `The upload is at ${upload.offset}`, {
            headers: { 'Upload-Offset': String(upload.offset) },
          });
        }
        // Renewed before the bytes come, so the sweeper leaves an upload alone while a PATCH runs
        // (unless that one PATCH outlasts the whole expiry).
        const expiresAt = expiryFromNow();
        await Video.updateOne(
          { _id: video._id, orgId, status: 'uploading' },
          { $set: { 'upload.expiresAt': expiresAt } },
        );
        ctx.set('Upload-Expires', httpDate(expiresAt));
        const remaining = upload.length - offset;
        const declared = Number(ctx.get('Content-Length'));
        if (Number.isFinite(declared) && declared > remaining) {
          throw new AppError('upload_too_large', `Only ${remaining} more bytes were announced`, {
            headers: { Connection: 'close' },
          });
        }

        stage('load');
        let newOffset: number;
        try {
          newOffset = await appendBody(ctx, orgId, video, offset);
        } catch (err) {
          // Not a video: the whole upload goes (a later part cannot make it one).
          if (err instanceof AppError && err.code === 'upload_type_rejected') await discardAnnounced(video);
          throw err;
        } finally {
          stage('body');
        }
        if (newOffset === upload.length) {
          try {
            await finalize(orgId, video._id);
          } catch (err) {
            // A full volume while joining the parts: the last part is taken back, so the client's
            // retry (HEAD, then PATCH) sends it again and finalizes then, once there is room.
            if (isStorageFullError(err)) await takeBackLastPart(orgId, video._id, upload.length);
            throw err;
          } finally {
            stage('finalize');
          }
        }
        ctx.set('Upload-Offset', String(newOffset));
        ctx.status = 204;
      },
    ),
  );

  // Termination
  defs.push(
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:id`,
        auth: 'editor',
        summary: 'tus: abandon an upload',
        tag: 'uploads',
        status: 204,
        requestHeaders: [TUS_RESUMABLE_HEADER],
        answers: { 412: 'The client speaks another tus version (`tus_version_unsupported`).' },
        before: [tusHeaders],
      },
      async (ctx) => {
        const { video } = await loadUpload(ctx);
        if (video.status !== 'uploading')
          throw new AppError('video_not_found', 'No upload in progress for this video');
        await discardAnnounced(video);
        ctx.status = 204;
      },
    ),
  );

  /**
   * Finalizes an upload whose last part is stored but whose join never ran, as the PATCH would
   * have: on a full volume the last part is taken back (the client sends it again). Another
   * request finishing it meanwhile is not an error.
   */
  async function finishStalled(orgId: Types.ObjectId, video: Video): Promise<void> {
    const length = video.upload!.length;
    logger.warn({ videoId: video._id.toHexString() }, 'tus upload complete but not finalized; finalizing it');
    try {
      await finalize(orgId, video._id);
    } catch (err) {
      if (isStorageFullError(err)) await takeBackLastPart(orgId, video._id, length);
      const now = await Video.findById(video._id).select('status').lean<Pick<Video, 'status'>>();
      if (now?.status === 'uploading' || isStorageFullError(err)) throw err;
    }
  }

  /** Undoes the part that completed an upload whose finalization failed (offset back, part removed). */
  async function takeBackLastPart(orgId: Types.ObjectId, _id: Types.ObjectId, length: number): Promise<void> {
    const complete = { _id, orgId, status: 'uploading' as const, 'upload.offset': length };
    const last = (await Video.findOne(complete).lean<Video>())?.upload?.parts.at(-1);
    if (!last) return;
    const undone = await Video.updateOne(complete, {
      $set: { 'upload.offset': length - last.size },
      $pop: { 'upload.parts': 1 },
    });
    if (undone.modifiedCount === 1)
      await storage.deletePrefix(last.key.slice(0, last.key.lastIndexOf('/') + 1));
  }

  /**
   * Concatenates the parts into `source` (sha256 and, when the first part could not tell, the
   * sniff on the way), moves the video to `queued` and enqueues its job. Only the request whose
   * compare-and-set completed the upload gets here; a repeat after a crash is harmless (the write
   * is atomic and the status change conditional).
   */
  async function finalize(orgId: Types.ObjectId, _id: Types.ObjectId): Promise<void> {
    const video = await Video.findById(_id).lean<Video>();
    const upload = video?.upload;
    if (!video || !upload || video.status !== 'uploading' || !video.orgId.equals(orgId)) return;
    const videoId = _id.toHexString();
    const org = orgId.toHexString();
    const sourceKey = videoKey(org, videoId, 'source');
    const inspector = new UploadInspector({
      maxBytes: upload.length,
      sniff: true,
      endIsFinal: true,
      hash: true,
    });
    let failure: unknown;
    inspector.on('error', (e) => (failure ??= e));
    try {
      const concat = concatParts(storage, upload.parts);
      concat.on('error', (err) => inspector.destroy(err));
      concat.pipe(inspector);
      await storage.write(sourceKey, inspector);
    } catch (caught) {
      const err = failure ?? caught;
      if (err instanceof AppError && err.code === 'upload_type_rejected') await discardAnnounced(video);
      throw err;
    }
    if (inspector.size !== upload.length || !inspector.type) {
      logger.error({ videoId, size: inspector.size, length: upload.length }, 'tus parts do not add up');
      throw new AppError('internal_error', 'The stored parts do not add up to the upload');
    }
    const sha256 = inspector.sha256;
    const done = await Video.updateOne(
      { _id, orgId, status: 'uploading' },
      {
        $set: {
          status: 'queued',
          progress: { stage: 'queued', percent: 0 },
          source: {
            key: sourceKey,
            size: upload.length,
            sha256,
            etag: `"${Buffer.from(sha256, 'hex').toString('base64url')}"`,
            lastModified: new Date(),
            mimeType: inspector.type.mimeType,
            container: inspector.type.container,
            ...(upload.originalName ? { originalName: upload.originalName } : {}),
          },
        },
        $unset: { upload: 1 },
      },
    );
    if (done.modifiedCount !== 1) return; // finalized concurrently
    await storage.deletePrefix(`${videoPrefix(org, videoId)}tus/`);
    try {
      await service.enqueueOrDiscard(
        { _id, orgId },
        {
          orgId: org,
          videoId,
          sourceKey,
          ...(upload.originalName ? { originalName: upload.originalName } : {}),
        },
      );
    } catch (err) {
      // enqueueOrDiscard removed the video; its creation was announced, so is its end.
      await deps.announce?.({ type: 'deleted', video });
      throw err;
    }
  }
  return { defs, preflight };
}
