import { z } from 'zod';
import { videoAudioFields } from './api-audio-tracks.js';
import { describing } from './api-shape-check.js';
import { captionSchema } from './api-captions.js';
import { SENSITIVITY_LABELS, SENSITIVITY_REASON_CODES } from './transcode-result.js';
import type { SensitivityResult } from './transcode-result.js';
import { TRANSCODE_ERROR_CODES } from './transcode-errors.js';
import { VIDEO_LIFECYCLE_STATUSES, type PublicRendition } from './video-events.js';
import { HDR_TRANSFERS, type VideoMetadata } from './video-metadata.js';

/**
 * Response shapes of the videos and playback routes. Each named schema (`.meta({ id })`) becomes
 * a component of the OpenAPI document; the server builds and checks its answers with them, the
 * SDK and the dashboard use their `z.output` types (type-only: no zod in the browser bundles).
 */

/** Who may watch a video: only the org (`private`), anyone with a link or token (`unlisted`), anyone (`public`). */
export const VISIBILITIES = ['private', 'unlisted', 'public'] as const;
/** One of {@link VISIBILITIES}. */
export type Visibility = (typeof VISIBILITIES)[number];

/** Where a video is in its life: `uploading` → `queued` → `processing` → `ready` | `failed`. */
export const VIDEO_STATUSES = VIDEO_LIFECYCLE_STATUSES;
/** One of {@link VIDEO_STATUSES}. */
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** A rendition as clients see it (`publicRendition`): no storage keys. */
export const renditionSchema = describing<PublicRendition>()(
  z
    .strictObject({
      rung: z
        .number()
        .int()
        .describe('The rung’s name in `p`: the short side of the frame (720 for 1280×720 and for 720×1280).'),
      width: z.number().int(),
      height: z.number().int(),
      bandwidth: z.number().describe('Peak segment bitrate in bits/s (HLS `BANDWIDTH`).'),
      codecs: z.string().describe('RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`.'),
    })
    .meta({ id: 'Rendition', description: 'One rung of the HLS ladder.' }),
);

/** What ffprobe found in the source (`VideoMetadata`): display size, rotation, HDR transfer. */
export const videoMetadataSchema = describing<VideoMetadata>()(
  z
    .strictObject({
      duration: z.number().min(0).describe('Seconds.'),
      width: z.number().int().describe('Display width in pixels: sample aspect ratio and rotation applied.'),
      height: z
        .number()
        .int()
        .describe('Display height in pixels: sample aspect ratio and rotation applied.'),
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
    })
    .meta({ id: 'VideoMetadata', description: 'Probe data of the source.' }),
);

/** The heuristic sensitivity score of the source (`SensitivityResult`). */
export const sensitivitySchema = describing<SensitivityResult>()(
  z
    .strictObject({
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
    })
    .meta({ id: 'Sensitivity', description: 'The heuristic sensitivity score of the source.' }),
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
  .meta({ id: 'VideoProgress', description: 'Processing progress: the current stage and 0–100 within it.' });
/** Processing progress: the current stage and 0–100 within it. */
export interface VideoProgress extends z.output<typeof videoProgressSchema> {}

/** A video as the API returns it: `id`, never `_id`; no storage keys. */
export const videoSchema = z
  .strictObject({
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
    renditions: z.array(renditionSchema).describe('The HLS ladder, highest rung first; empty until ready.'),
    ...videoAudioFields,
    hasPoster: z.boolean(),
    hasStoryboard: z.boolean().describe('True once the thumbnail sprite and its WebVTT index exist.'),
    hasProgressiveMp4: z
      .boolean()
      .describe('True once the progressive MP4 rendition exists (`/v1/videos/{id}/file` then serves it).'),
    sensitivity: sensitivitySchema.nullable().describe('Set once the video is processed.'),
    captions: z.array(captionSchema).describe('Caption and subtitle tracks, in the order they were added.'),
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
  })
  .meta({ id: 'Video', description: 'A video as the API returns it.' });
/** A video as the API returns it. */
export interface Video extends z.output<typeof videoSchema> {}

/** `GET /v1/videos`: one page, newest first. */
export const videoListSchema = z
  .strictObject({
    items: z.array(videoSchema),
    nextCursor: z
      .string()
      .nullable()
      .describe('Opaque: pass it back as `?cursor=` for the next page; null on the last page.'),
  })
  .meta({ id: 'VideoList', description: 'One page of videos, newest first.' });
/** One page of {@link Video}s; pass `nextCursor` back to get the next page (null on the last). */
export interface VideoList extends z.output<typeof videoListSchema> {}

const statsTotals = {
  count: z.number().int().min(0).describe('Videos.'),
  durationSeconds: z.number().min(0).describe('Sum of the probed durations (videos not yet probed count 0).'),
  bytes: z.number().min(0).describe('Sum of the uploaded source sizes (unfinished uploads count 0).'),
};

/** `GET /v1/videos/stats`. */
export const videoStatsSchema = z
  .strictObject({
    byStatus: z
      .array(z.strictObject({ status: z.enum(VIDEO_STATUSES), ...statsTotals }))
      .describe('One entry per status that has videos, in alphabetical order of status.'),
    total: z.strictObject(statsTotals).describe('Every video of the organisation.'),
  })
  .meta({ id: 'VideoStats', description: 'Counts, duration and bytes by status.' });
/** Counts, duration and bytes by status. */
export interface VideoStats extends z.output<typeof videoStatsSchema> {}

/** A signed delivery URL, or null while the video does not have that file. */
const signedUrl = (what: string) =>
  z
    .url()
    .nullable()
    .describe(`${what}: a signed URL below \`/v1/play/{token}/{videoId}/\`, or null while there is none.`);

/** `GET /v1/videos/:id/playback`: where and how a player may play one video. */
export const playbackDescriptorSchema = z
  .strictObject({
    videoId: z.string(),
    status: z.enum(VIDEO_STATUSES),
    progress: videoProgressSchema,
    token: z
      .string()
      .describe('The playback token every URL carries; renew it (and the URLs) before `expiresAt`.'),
    expiresAt: z.iso.datetime().describe('When the token, and so every URL here, expires.'),
    hls: signedUrl('HLS master playlist (set once the video is `ready`)'),
    mp4: signedUrl('Progressive MP4'),
    poster: signedUrl('Poster image (JPEG)'),
    storyboard: signedUrl('WebVTT index of the thumbnail sprite'),
    duration: z.number().min(0).nullable().describe('Seconds, once the source was probed.'),
    aspectRatio: z.number().positive().nullable().describe('Width / height, once the source was probed.'),
    renditions: z.array(renditionSchema).describe('The HLS ladder, highest rung first.'),
    mediaType: videoAudioFields.mediaType,
    title: z.string(),
  })
  .meta({
    id: 'PlaybackDescriptor',
    description:
      'Where a video can be played from. Every URL is signed: the token is in the path (`/v1/play/{token}/{videoId}/…`) so relative URIs inherit it.',
  });
/** Where a video can be played from, as answered by `GET /v1/videos/:id/playback`. */
export interface PlaybackDescriptor extends z.output<typeof playbackDescriptorSchema> {}

/** `POST /v1/videos/:id/playback-tokens`. */
export const playbackTokenSchema = z
  .strictObject({
    token: z.string().describe('A playback token (JWT) for this one video.'),
    expiresAt: z.iso.datetime(),
    playback: playbackDescriptorSchema,
  })
  .meta({ id: 'PlaybackToken', description: 'A playback token for one video, and the descriptor it signs.' });
/** A playback token for one video, as minted by `POST /v1/videos/:id/playback-tokens`. */
export interface PlaybackToken extends z.output<typeof playbackTokenSchema> {}
