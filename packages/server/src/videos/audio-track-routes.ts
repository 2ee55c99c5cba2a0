import {
  audioTrackEntrySchema,
  audioTrackListSchema,
  audioTrackUploadFieldsSchema,
  dubJobId,
} from '@reelkit/protocol';
import { videoKey, type Storage } from '@reelkit/storage';
import { checkDubLength, ProbeError, probeSource, type SourceInfo } from '@reelkit/transcoder';
import { createReadStream } from 'node:fs';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { ServerConfig } from '../config.js';
import { AppError } from '../http/app-error.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import { parseOr400 } from '../http/validate.js';
import type { Logger } from '../logger.js';
import type { AudioGroupWriter } from './audio-group-writer.js';
import { languageLabel } from './caption-routes.js';
import { closeAfter } from './multipart-fields.js';
import { receiveDubUpload } from './receive-dub-upload.js';
import { enqueueDub, withdrawJob, type TranscodeQueue } from './transcode-queue.js';
import { audioTrackEntry, type StoredAudioTrack } from './video-audio-tracks.js';
import type { Video } from './video-model.js';
import type { VideoService } from './video-service.js';
import { orgObjectId, principalOf } from './video-service.js';

export interface AudioTrackRoutesDeps {
  config: Pick<ServerConfig, 'MAX_UPLOAD_BYTES' | 'FFPROBE_PATH'>;
  service: VideoService;
  storage: Storage;
  queue: TranscodeQueue;
  /** Where a running dub job of a removed track is cancelled (the transcode queue's cancel channel). */
  redis: Redis;
  redisPrefix: string;
  writer: AudioGroupWriter;
  logger: Logger;
  announceUpdate: (video: Video) => Promise<void>;
}

const MULTIPART_BODY = {
  contentType: 'multipart/form-data',
  description:
    'An audio file, or a video with an audio stream (the first default audio stream is used), lasting as long as the video (±1 s, or ±2 % of a long video), and its fields.',
  schema: {
    type: 'object',
    required: ['file', 'language'],
    properties: {
      file: { type: 'string', contentMediaType: 'application/octet-stream' },
      language: { type: 'string', description: 'BCP 47 language tag, e.g. `fr`, `pt-BR`.' },
      label: {
        type: 'string',
        minLength: 1,
        maxLength: 100,
        description: 'Name in the player’s audio menu; default: the language’s English name.',
      },
    },
  },
};

/** Refusals of a probed dub before anything is stored; null when it fits the video. */
export function dubRefusal(info: SourceInfo, videoDurationS: number): AppError | null {
  if (!info.audio) return new AppError('dub_no_audio', 'The file has no audio stream');
  const mismatch = checkDubLength(info.metadata.duration, videoDurationS);
  return mismatch ? new AppError('dub_length_mismatch', `The dub does not fit the video: ${mismatch}`) : null;
}

/** `/v1/videos/:id/audio-tracks…`: add a dub, list the tracks, remove a dub. */
export function audioTrackRoutes(deps: AudioTrackRoutesDeps): RouteDef[] {
  const { service, storage, writer, queue, config } = deps;
  const orgVideo = async (ctx: Parameters<Parameters<typeof defineRoute>[1]>[0]) => {
    const orgId = orgObjectId(principalOf(ctx));
    const video = await service.find(orgId, ctx.params.id ?? '', [
      'status',
      'mediaType',
      'metadata',
      'audioTracks',
    ]);
    return { orgId, video };
  };

  async function probeDub(path: string, videoDurationS: number): Promise<SourceInfo['audio']> {
    let info: SourceInfo;
    try {
      info = await probeSource(path, { ffprobePath: config.FFPROBE_PATH });
    } catch (err) {
      if (!(err instanceof ProbeError)) throw err;
      if (err.formatRejected)
        throw new AppError('upload_type_rejected', 'The file is not a supported media container');
      throw new AppError('dub_no_audio', 'The file could not be read as audio');
    }
    const refusal = dubRefusal(info, videoDurationS);
    if (refusal) throw refusal;
    return info.audio;
  }

  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/videos/:id/audio-tracks',
        auth: 'editor',
        summary: 'Add an audio track (a dub) to a ready video; transcoded in the background',
        tag: 'audio-tracks',
        status: 202,
        response: audioTrackEntrySchema,
        rawBody: MULTIPART_BODY,
        answers: {
          409: 'The video is not ready (`video_not_ready`), or is audio-only (`dub_audio_only_video`).',
          413: 'The file exceeds MAX_UPLOAD_BYTES (`upload_too_large`).',
          415: 'Not multipart/form-data, or the file is not a media container on the allow-list (`upload_type_rejected`).',
          422: 'No audio stream in the file (`dub_no_audio`), or its duration is not the video’s (`dub_length_mismatch`).',
        },
        responseHeaders: { Location: 'The new track’s URL.' },
      },
      async (ctx) => {
        if (!ctx.is('multipart/form-data')) {
          throw new AppError('unsupported_media_type', 'Send multipart/form-data with a `file` part', {
            headers: closeAfter,
          });
        }
        const { orgId, video } = await orgVideo(ctx);
        if (video.status !== 'ready' || !video.metadata)
          throw new AppError('video_not_ready', 'A dub is added to a ready video', { headers: closeAfter });
        if (video.mediaType === 'audio')
          throw new AppError('dub_audio_only_video', 'An audio-only video takes no extra audio track', {
            headers: closeAfter,
          });
        const upload = await receiveDubUpload(ctx.req, config.MAX_UPLOAD_BYTES);
        let sourceKey: string | undefined;
        try {
          const fields = parseOr400(audioTrackUploadFieldsSchema, upload.fields, 'form fields');
          await probeDub(upload.path, video.metadata.duration);
          const id = new Types.ObjectId().toHexString();
          const videoId = video._id.toHexString();
          sourceKey = videoKey(orgId.toHexString(), videoId, 'dubs', id);
          await storage.write(sourceKey, createReadStream(upload.path));
          const track: StoredAudioTrack = {
            id,
            language: fields.language,
            label: fields.label ?? languageLabel(fields.language),
            channels: 2,
            default: false,
            source: 'upload',
            status: 'processing',
            sourceKey,
            createdAt: new Date(),
          };
          const updated = await writer.addProcessing(video._id, track);
          if (!updated) throw new AppError('video_not_found', 'The video was deleted meanwhile');
          const stored = updated.audioTracks!.find((t) => t.id === id)!;
          // A lost enqueue (Redis gone now) is enqueued again by the results applier's reconcile.
          await enqueueDub(queue, {
            orgId: orgId.toHexString(),
            videoId,
            trackId: id,
            sourceKey,
            language: stored.language ?? fields.language,
            label: stored.label,
          }).catch((err: unknown) => deps.logger.warn({ err, videoId, trackId: id }, 'dub not enqueued yet'));
          sourceKey = undefined;
          await deps.announceUpdate(updated);
          ctx.status = 202;
          ctx.set('Location', `/v1/videos/${videoId}/audio-tracks/${id}`);
          ctx.body = audioTrackEntry(stored);
        } finally {
          await upload.dispose();
          if (sourceKey) await storage.deletePrefix(sourceKey);
        }
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/videos/:id/audio-tracks',
        auth: 'viewer',
        summary: 'The audio tracks of a video: the source’s and dubs, with their status',
        tag: 'audio-tracks',
        status: 200,
        response: audioTrackListSchema,
      },
      async (ctx) => {
        const { video } = await orgVideo(ctx);
        ctx.body = { items: (video.audioTracks ?? []).map(audioTrackEntry) };
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/videos/:id/audio-tracks/:trackId',
        auth: 'editor',
        summary: 'Remove a dub: from the master playlist, then its files',
        tag: 'audio-tracks',
        status: 204,
        answers: { 409: 'The track is one of the source’s own (`audio_track_from_source`).' },
      },
      async (ctx) => {
        const { video } = await orgVideo(ctx);
        const id = ctx.params.trackId ?? '';
        const out = await writer.remove(video._id, id);
        if (!out) throw new AppError('audio_track_not_found', `No audio track ${id}`);
        if ('sourceTrack' in out)
          throw new AppError('audio_track_from_source', 'Only dubs added later can be removed');
        // A waiting job is dropped; a running one is cancelled, and what it publishes into a track
        // that is gone is deleted by the results applier.
        if (out.track.status === 'processing') await withdrawJob(deps, dubJobId(id));
        await deps.announceUpdate(out.video);
        ctx.status = 204;
      },
    ),
  ];
}
