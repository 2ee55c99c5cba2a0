import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type Router from '@koa/router';
import type { Role } from '@reelkit/protocol';
import type { VideoRoutesDeps } from './index.js';
import type { Storage } from '@reelkit/storage';
import { videoKey, videoPrefix } from '@reelkit/storage';
import type { Context, Middleware } from 'koa';
import type { Types } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { httpDate } from './conditional-request.js';
import { parseOr400 } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { cleanFileName, titleFromFileName, uploadFields } from './schemas.js';
import { SNIFF_BYTES } from './sniff-container.js';
import { UploadInspector } from './upload-inspector.js';
import { parseUploadMetadata } from './upload-metadata.js';
import { createdByOf, orgObjectId, principalOf, type VideoService } from './video-service.js';
import type { PendingUpload, Video, VideoModel } from './video-model.js';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,termination,expiration';
const OFFSET_STREAM = 'application/offset+octet-stream';
const DIGITS = /^\d{1,16}$/;

export interface TusDeps {
  Video: VideoModel;
  storage: Storage;
  service: VideoService;
  authenticate: Middleware;
  authorize: (min: Role) => Middleware;
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
    if (!req.complete) {
      req.unpipe(out);
      out.end();
    }
  };
  req.once('close', stop);
  req.once('error', stop);
  return out;
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
export function mountTusRoutes(router: Router, deps: TusDeps): void {
  const { Video, storage, service, maxBytes, expiryMs, logger } = deps;
  const now = deps.now ?? Date.now;
  const expiryFromNow = () => new Date(now() + expiryMs);

  /** 410 once an upload in progress has expired (the sweeper may not have removed it yet). */
  const assertNotExpired = (upload: PendingUpload) => {
    if (upload.expiresAt && upload.expiresAt.getTime() <= now())
      throw new AppError('upload_expired', 'Start a new upload: this one received no bytes for too long');
  };
  const base = '/v1/uploads';
  const editor = [deps.authenticate, deps.authorize('editor')];

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
  router.options(base, tusHeaders, options);
  router.options(`${base}/:id`, tusHeaders, options);

  async function loadUpload(ctx: Context) {
    const orgId = orgObjectId(principalOf(ctx));
    const video = await service.find(orgId, ctx.params.id ?? '');
    return { orgId, video };
  }

  // Creation
  router.post(base, tusHeaders, ...editor, async (ctx) => {
    if (ctx.get('Upload-Defer-Length'))
      throw new AppError('validation_failed', 'Upload-Defer-Length is not supported');
    const length = headerInt(ctx, 'Upload-Length');
    if (length > maxBytes) throw new AppError('upload_too_large', `The upload exceeds ${maxBytes} bytes`);
    if (length === 0) throw new AppError('upload_type_rejected', 'An empty file is not a video');
    const meta = parseUploadMetadata(ctx.get('Upload-Metadata') || undefined);
    if (!meta) throw new AppError('validation_failed', 'Upload-Metadata is malformed');
    const fields = parseOr400(
      uploadFields,
      Object.fromEntries(
        (['title', 'description', 'visibility'] as const).filter((k) => k in meta).map((k) => [k, meta[k]]),
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
      },
      createdBy: createdByOf(principal),
    });
    await service.catalogue.sync(video.toObject());
    ctx.status = 201;
    ctx.set('Location', `${base}/${video._id.toHexString()}`);
    // The upload URL is not the video's; clients read the video id here.
    ctx.set('Reelkit-Video-Id', video._id.toHexString());
    ctx.set('Upload-Offset', '0');
    ctx.set('Upload-Expires', httpDate(video.upload!.expiresAt!));
    await deps.announce?.({ type: 'created', video: video.toObject() });
  });

  // Offset
  router.head(`${base}/:id`, tusHeaders, ...editor, async (ctx) => {
    const { video } = await loadUpload(ctx);
    if (video.upload) assertNotExpired(video.upload);
    if (video.upload?.expiresAt) ctx.set('Upload-Expires', httpDate(video.upload.expiresAt));
    const length = video.upload?.length ?? video.source?.size ?? 0;
    const offset = video.upload ? video.upload.offset : length;
    ctx.set('Upload-Offset', String(offset));
    ctx.set('Upload-Length', String(length));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 200;
  });

  // Append
  router.patch(`${base}/:id`, tusHeaders, ...editor, async (ctx) => {
    if (!ctx.is(OFFSET_STREAM)) throw new AppError('unsupported_media_type', `Send ${OFFSET_STREAM}`);
    const offset = headerInt(ctx, 'Upload-Offset');
    const { orgId, video } = await loadUpload(ctx);
    const videoId = video._id.toHexString();
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

    let newOffset = offset;
    if (remaining > 0) {
      const partDir = videoKey(
        orgId.toHexString(),
        videoId,
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
        if (err instanceof AppError && err.code === 'upload_type_rejected') {
          await service.discard(orgId, videoId);
        }
        if (err instanceof AppError)
          throw new AppError(err.code, err.message, { headers: { Connection: 'close' } });
        throw err;
      }
      const size = inspector.size;
      if (size === 0) {
        await storage.deletePrefix(`${partDir}/`);
      } else {
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
        newOffset = offset + size;
      }
    }

    if (newOffset === upload.length) await finalize(orgId, video._id);
    ctx.set('Upload-Offset', String(newOffset));
    ctx.status = 204;
  });

  // Termination
  router.delete(`${base}/:id`, tusHeaders, ...editor, async (ctx) => {
    const { orgId, video } = await loadUpload(ctx);
    if (video.status !== 'uploading')
      throw new AppError('video_not_found', 'No upload in progress for this video');
    await service.discard(orgId, video._id.toHexString());
    ctx.status = 204;
  });

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
      if (err instanceof AppError && err.code === 'upload_type_rejected')
        await service.discard(orgId, videoId);
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
    await service.catalogue.refresh(orgId, _id);
    await storage.deletePrefix(`${videoPrefix(org, videoId)}tus/`);
    await service.enqueueOrDiscard(
      { _id, orgId },
      {
        orgId: org,
        videoId,
        sourceKey,
        ...(upload.originalName ? { originalName: upload.originalName } : {}),
      },
    );
  }
}
