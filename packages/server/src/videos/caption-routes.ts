import {
  CaptionFormatError,
  CaptionParseError,
  captionListSchema,
  captionSchema,
  captionUpdateSchema,
  captionFilePath,
  captionUploadFieldsSchema,
  readCaptionFile,
  type CaptionKind,
} from '@reelkit/protocol';
import { videoKey, type Storage } from '@reelkit/storage';
import { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import { parseOr400 } from '../http/validate.js';
import type { WithLock } from '../redis-lock.js';
import { addCaptions, editCaption } from './caption-list.js';
import { CAPTION_MAX_BYTES, receiveCaptionUpload } from './receive-caption-upload.js';
import type { VideoService } from './video-service.js';
import { orgObjectId, principalOf } from './video-service.js';
import { toCaptionJson } from './video-json.js';
import type { StoredCaption, Video, VideoModel } from './video-model.js';

/** Storage key of a caption's WebVTT: `<org>/<video>/hls/subs/<captionId>.vtt`. */
export function captionKey(orgId: string, videoId: string, captionId: string): string {
  return videoKey(orgId, videoId, ...captionFilePath(captionId).split('/'));
}

/** A language tag's English name (`fr` → `French`), as a default label. */
export function languageLabel(language: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

export interface CaptionRoutesDeps {
  Video: VideoModel;
  service: VideoService;
  storage: Storage;
  withLock: WithLock;
  announceUpdate: (video: Video) => Promise<void>;
}

/**
 * Writes the caption list of one video under its lock (two requests making two captions the
 * default must not both win: FerretDB does not apply a filtered update atomically).
 */
export function createCaptionWriter(deps: Pick<CaptionRoutesDeps, 'Video' | 'withLock'>) {
  return async function writeCaptions(
    videoId: Types.ObjectId,
    edit: (list: StoredCaption[]) => StoredCaption[] | null,
  ): Promise<Video | null> {
    return deps.withLock(`captions:${videoId.toHexString()}`, async () => {
      const video = await deps.Video.findById(videoId).lean<Video>();
      if (!video) return null;
      const next = edit(video.captions ?? []);
      if (!next) return video;
      return deps.Video.findByIdAndUpdate(
        videoId,
        { $set: { captions: next } },
        { returnDocument: 'after', runValidators: true },
      ).lean<Video>();
    });
  };
}

const MULTIPART_BODY = {
  contentType: 'multipart/form-data',
  description: `A WebVTT or SubRip file (UTF-8, at most ${CAPTION_MAX_BYTES} bytes) and its fields.`,
  schema: {
    type: 'object',
    required: ['file', 'language'],
    properties: {
      file: { type: 'string', contentMediaType: 'text/vtt' },
      language: { type: 'string', description: 'BCP 47 language tag, e.g. `en`, `pt-BR`.' },
      label: { type: 'string', minLength: 1, maxLength: 100 },
      kind: { type: 'string', enum: ['subtitles', 'captions'] },
      default: { type: 'string', enum: ['true', 'false'] },
    },
  },
};

/** `/v1/videos/:id/captions…`: upload, list, relabel or make default, delete. */
export function captionRoutes(deps: CaptionRoutesDeps): RouteDef[] {
  const { service, storage } = deps;
  const writeCaptions = createCaptionWriter(deps);
  const orgVideo = async (ctx: Parameters<Parameters<typeof defineRoute>[1]>[0]) => {
    const orgId = orgObjectId(principalOf(ctx));
    const video = await service.find(orgId, ctx.params.id ?? '', ['captions']);
    return { orgId, video };
  };
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/videos/:id/captions',
        auth: 'editor',
        summary: 'Add a caption track (WebVTT or SubRip, multipart/form-data)',
        tag: 'captions',
        status: 201,
        response: captionSchema,
        rawBody: MULTIPART_BODY,
        answers: {
          413: `The file exceeds ${CAPTION_MAX_BYTES} bytes (\`upload_too_large\`).`,
          415: 'Not multipart/form-data, or the file is binary, not UTF-8, or neither WebVTT nor SubRip (`caption_format_rejected`).',
          422: 'A malformed or backwards cue timing, or no cues (`caption_invalid`).',
        },
      },
      async (ctx) => {
        if (!ctx.is('multipart/form-data')) {
          throw new AppError('unsupported_media_type', 'Send multipart/form-data with a `file` part');
        }
        const { orgId, video } = await orgVideo(ctx);
        const upload = await receiveCaptionUpload(ctx.req);
        const fields = parseOr400(captionUploadFieldsSchema, upload.fields, 'form fields');
        let parsed;
        try {
          parsed = readCaptionFile(upload.bytes);
        } catch (err) {
          if (err instanceof CaptionFormatError) throw new AppError('caption_format_rejected', err.message);
          if (err instanceof CaptionParseError) throw new AppError('caption_invalid', err.message);
          throw err;
        }
        const _id = new Types.ObjectId();
        const key = captionKey(orgId.toHexString(), video._id.toHexString(), _id.toHexString());
        await storage.write(key, Readable.from([Buffer.from(parsed.vtt)]));
        const caption: StoredCaption = {
          _id,
          language: fields.language,
          label: fields.label ?? languageLabel(fields.language),
          kind: fields.kind as CaptionKind,
          default: fields.default,
          source: 'upload',
          key,
          endMs: Math.max(...parsed.cues.map((c) => c.endMs)),
          createdAt: new Date(),
        };
        let updated: Video | null;
        try {
          updated = await writeCaptions(video._id, (list) => addCaptions(list, [caption]));
        } catch (err) {
          await storage.deletePrefix(key);
          throw err;
        }
        if (!updated) {
          await storage.deletePrefix(key);
          throw new AppError('video_not_found', 'The video was deleted meanwhile');
        }
        await deps.announceUpdate(updated);
        ctx.status = 201;
        ctx.set('Location', `/v1/videos/${video._id.toHexString()}/captions/${_id.toHexString()}`);
        ctx.body = toCaptionJson(updated.captions!.find((c) => c._id.equals(_id))!);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/videos/:id/captions',
        auth: 'viewer',
        summary: 'The caption tracks of a video',
        tag: 'captions',
        status: 200,
        response: captionListSchema,
      },
      async (ctx) => {
        const { video } = await orgVideo(ctx);
        ctx.body = { items: (video.captions ?? []).map(toCaptionJson) };
      },
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/v1/videos/:id/captions/:captionId',
        auth: 'editor',
        summary: 'Relabel a caption, or make it the default',
        tag: 'captions',
        body: captionUpdateSchema,
        bodyLimit: '4kb',
        status: 200,
        response: captionSchema,
      },
      async (ctx, { body }) => {
        const { video } = await orgVideo(ctx);
        const id = ctx.params.captionId ?? '';
        if (!(video.captions ?? []).some((c) => c._id.toString() === id))
          throw new AppError('caption_not_found', `No caption ${id}`);
        const updated = await writeCaptions(video._id, (list) => editCaption(list, id, body));
        const caption = updated?.captions?.find((c) => c._id.toString() === id);
        if (!updated || !caption) throw new AppError('caption_not_found', `No caption ${id}`);
        await deps.announceUpdate(updated);
        ctx.body = toCaptionJson(caption);
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/videos/:id/captions/:captionId',
        auth: 'editor',
        summary: 'Delete a caption and its file',
        tag: 'captions',
        status: 204,
      },
      async (ctx) => {
        const { video } = await orgVideo(ctx);
        const id = ctx.params.captionId ?? '';
        let removed: StoredCaption | undefined;
        const updated = await writeCaptions(video._id, (list) => {
          removed = list.find((c) => c._id.toString() === id);
          return removed ? list.filter((c) => c !== removed) : null;
        });
        if (!updated || !removed) throw new AppError('caption_not_found', `No caption ${id}`);
        await storage.deletePrefix(removed.key);
        await deps.announceUpdate(updated);
        ctx.status = 204;
      },
    ),
  ];
}
