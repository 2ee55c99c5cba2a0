import {
  HDR_TRANSFERS,
  SENSITIVITY_LABELS,
  SENSITIVITY_REASON_CODES,
  TRANSCODE_ERROR_CODES,
  publicRendition,
} from '@reelkit/protocol';
import type { PublicRendition, SensitivityResult, VideoMetadata } from '@reelkit/protocol';
import { z } from 'zod';
import { VIDEO_STATUSES, VISIBILITIES, type Video } from './video-model.js';

/** True when `A` and `B` are the same type (not merely assignable one way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Returns `schema`, and fails typecheck unless its output is exactly `T`: a field added to a
 * protocol type (or to its schema) must be added to the other too, so the API docs never drift.
 */
export function describing<T>() {
  return <S extends z.ZodType>(schema: S & (Equals<z.output<S>, T> extends true ? unknown : never)): S =>
    schema;
}

/** A rendition as clients see it (`publicRendition`): no storage keys. */
export const publicRenditionSchema = describing<PublicRendition>()(
  z.strictObject({
    rung: z
      .number()
      .int()
      .describe('The rung’s name in `p`: the short side of the frame (720 for 1280×720 and for 720×1280).'),
    width: z.number().int(),
    height: z.number().int(),
    bandwidth: z.number().describe('Peak segment bitrate in bits/s (HLS `BANDWIDTH`).'),
    codecs: z.string().describe('RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`.'),
  }),
);

/** What ffprobe found in the source (`VideoMetadata`): display size, rotation, HDR transfer. */
export const videoMetadataSchema = describing<VideoMetadata>()(
  z.strictObject({
    duration: z.number().min(0).describe('Seconds.'),
    width: z.number().int().describe('Display width in pixels: sample aspect ratio and rotation applied.'),
    height: z.number().int().describe('Display height in pixels: sample aspect ratio and rotation applied.'),
    rotation: z
      .number()
      .int()
      .describe('Clockwise rotation in degrees the stream asks for on display (0, 90, 180, 270).'),
    hdr: z
      .enum(HDR_TRANSFERS)
      .nullable()
      .describe(
        'HDR transfer of the source (`pq`, `hlg`), or null for SDR; HDR is tonemapped to SDR BT.709.',
      ),
    fps: z.number().min(0),
    videoCodec: z.string().nullable(),
    audioCodec: z.string().nullable(),
    hasAudio: z.boolean(),
    hasVideo: z.boolean(),
    bitrate: z.number().nullable().describe('Bits per second of the whole file, when known.'),
    container: z.string().describe('ffprobe’s format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.'),
    sizeBytes: z.number().nullable(),
  }),
);

/** The heuristic sensitivity score of the source (`SensitivityResult`). */
export const sensitivitySchema = describing<SensitivityResult>()(
  z.strictObject({
    score: z
      .number()
      .min(0)
      .max(100)
      .describe('0–100, starting at 100; ≥ 70 `safe`, 40–69 `review`, < 40 `flagged`.'),
    label: z.enum(SENSITIVITY_LABELS),
    reasons: z
      .array(
        z.strictObject({
          code: z.enum(SENSITIVITY_REASON_CODES),
          message: z.string(),
          penalty: z.number().describe('Points taken off (positive).'),
        }),
      )
      .describe('Every deduction from the score.'),
  }),
);

/** Where processing is: a stage and a percent within it. */
export const videoProgressSchema = z
  .strictObject({
    stage: z
      .string()
      .describe(
        '`upload` or `queued` before transcoding starts, then a transcode stage (`probe`, `thumbnails`, `transcode`, `finalize`).',
      ),
    percent: z.number().min(0).max(100).describe('0–100 within the stage.'),
  })
  .describe('Processing progress: the current stage and 0–100 within it.');

/** A video as the API returns it: `id`, never `_id`; no storage keys. */
export const videoJsonSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  visibility: z.enum(VISIBILITIES),
  status: z.enum(VIDEO_STATUSES),
  progress: videoProgressSchema,
  source: z
    .strictObject({
      size: z.number().int().min(0).describe('Bytes.'),
      sha256: z.string().describe('Hex SHA-256 of the uploaded bytes.'),
      mimeType: z.string().describe('As sniffed from the bytes, not as declared by the client.'),
      originalName: z.string().nullable().describe('The client’s file name, when it sent one.'),
    })
    .nullable()
    .describe('The uploaded file; null until the upload is complete.'),
  upload: z
    .strictObject({
      length: z.number().int().min(0).describe('Bytes announced (tus `Upload-Length`).'),
      offset: z.number().int().min(0).describe('Bytes received so far (tus `Upload-Offset`).'),
    })
    .nullable()
    .describe('A resumable (tus) upload in progress; null otherwise.'),
  metadata: videoMetadataSchema.nullable().describe('Probe data of the source, once known.'),
  renditions: z
    .array(publicRenditionSchema)
    .describe('The HLS ladder, highest rung first; empty until ready.'),
  hasPoster: z.boolean(),
  hasStoryboard: z.boolean().describe('True once the thumbnail sprite and its WebVTT index exist.'),
  hasProgressiveMp4: z
    .boolean()
    .describe('True once the progressive MP4 rendition exists (`/v1/videos/{id}/file` then serves it).'),
  sensitivity: sensitivitySchema.nullable().describe('Set once the video is processed.'),
  error: z
    .strictObject({
      code: z.string().describe(
        `A transcode error code: ${Object.keys(TRANSCODE_ERROR_CODES)
          .map((c) => `\`${c}\``)
          .join(', ')}.`,
      ),
      message: z.string(),
    })
    .nullable()
    .describe('Why processing failed, when `status` is `failed`.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** A video as the API returns it: `id`, never `_id`; no storage keys. */
export type VideoJson = z.output<typeof videoJsonSchema>;

type VideoLike = Omit<Video, '_id'> & { _id: { toString(): string } };

export function toVideoJson(v: VideoLike): VideoJson {
  return {
    id: v._id.toString(),
    title: v.title,
    description: v.description ?? '',
    visibility: v.visibility,
    status: v.status,
    progress: { stage: v.progress?.stage ?? 'upload', percent: v.progress?.percent ?? 0 },
    source: v.source
      ? {
          size: v.source.size,
          sha256: v.source.sha256,
          mimeType: v.source.mimeType,
          originalName: v.source.originalName ?? null,
        }
      : null,
    upload: v.upload ? { length: v.upload.length, offset: v.upload.offset } : null,
    // Videos probed before `hdr` existed were probed as SDR.
    metadata: v.metadata ? { ...v.metadata, hdr: v.metadata.hdr ?? null } : null,
    renditions: (v.renditions ?? []).map(publicRendition),
    hasPoster: Boolean(v.posterKey),
    hasStoryboard: Boolean(v.storyboard?.imageKey),
    hasProgressiveMp4: Boolean(v.mp4?.key),
    sensitivity: v.sensitivity
      ? {
          score: v.sensitivity.score,
          label: v.sensitivity.label,
          reasons: v.sensitivity.reasons.map(({ code, message, penalty }) => ({ code, message, penalty })),
        }
      : null,
    error: v.error?.code ? { code: v.error.code, message: v.error.message } : null,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}
