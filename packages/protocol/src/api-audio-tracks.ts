import { z } from 'zod';
import { languageTagSchema } from './api-captions.js';

/** Where an audio track came from: a stream of the uploaded source, or a file added later (a dub). */
export const AUDIO_TRACK_SOURCES = ['source', 'upload'] as const;
/** One of {@link AUDIO_TRACK_SOURCES}. */
export type AudioTrackSource = (typeof AUDIO_TRACK_SOURCES)[number];

/** What a video is: pictures with (maybe) sound, or sound only (an audio-only upload). */
export const MEDIA_TYPES = ['video', 'audio'] as const;
/** One of {@link MEDIA_TYPES}. */
export type MediaType = (typeof MEDIA_TYPES)[number];

/** One audio rendition of a video as clients see it: an `EXT-X-MEDIA:TYPE=AUDIO` entry of the master playlist. */
export const audioTrackSchema = z
  .strictObject({
    id: z.string().describe('Stable id of the track; its HLS rendition lives under `hls/audio/{id}/`.'),
    language: z
      .string()
      .nullable()
      .describe('BCP 47 language tag (`en`, `fr`, `pt-BR`), or null when the source did not say (`und`).'),
    label: z.string().describe('Human name: the stream’s title tag, else the language’s English name.'),
    channels: z.number().int().min(1).describe('Channels of the rendition (HLS `CHANNELS`).'),
    default: z.boolean().describe('The track players start with (HLS `DEFAULT=YES`); exactly one is.'),
    source: z.enum(AUDIO_TRACK_SOURCES),
  })
  .meta({
    id: 'AudioTrack',
    description: 'One audio rendition of a video (an HLS `EXT-X-MEDIA:TYPE=AUDIO`).',
  });
/** One audio rendition of a video. */
export interface AudioTrack extends z.output<typeof audioTrackSchema> {}

/** The audio fields of the `Video` schema, spread into it. */
export const videoAudioFields = {
  audioTracks: z
    .array(audioTrackSchema)
    .describe('Audio renditions, the default one first; empty for a silent video or until ready.'),
  mediaType: z
    .enum(MEDIA_TYPES)
    .describe(
      '`audio` for an audio-only upload (no picture: a generated poster, no storyboard), else `video`.',
    ),
};

/** Where an audio track is: a dub being transcoded, in the master playlist, or refused by the worker. */
export const AUDIO_TRACK_STATUSES = ['processing', 'ready', 'failed'] as const;
/** One of {@link AUDIO_TRACK_STATUSES}. */
export type AudioTrackStatus = (typeof AUDIO_TRACK_STATUSES)[number];

/** Longest audio track label (HLS `NAME`). */
export const AUDIO_TRACK_LABEL_MAX = 100;

/**
 * One audio track of `GET /v1/videos/:id/audio-tracks`: a source track (always `ready`) or a dub
 * added later, with where it is. Only `ready` tracks are in the master playlist and in the
 * video's `audioTracks`.
 */
export const audioTrackEntrySchema = audioTrackSchema
  .extend({
    status: z.enum(AUDIO_TRACK_STATUSES),
    error: z
      .strictObject({ code: z.string(), message: z.string() })
      .nullable()
      .describe('Why a dub failed (`status: failed`), else null.'),
  })
  .meta({
    id: 'AudioTrackEntry',
    description: 'An audio track of a video with its status: a source track, or a dub being added.',
  });
/** One audio track with its status. */
export interface AudioTrackEntry extends z.output<typeof audioTrackEntrySchema> {}

/** `GET /v1/videos/:id/audio-tracks`. */
export const audioTrackListSchema = z.strictObject({ items: z.array(audioTrackEntrySchema) }).meta({
  id: 'AudioTrackList',
  description: 'The audio tracks of a video: the source’s (default first), then dubs in the order added.',
});
/** The audio tracks of a video. */
export interface AudioTrackList extends z.output<typeof audioTrackListSchema> {}

/** The text fields of `POST /v1/videos/:id/audio-tracks` (multipart). */
export const audioTrackUploadFieldsSchema = z.strictObject({
  language: languageTagSchema,
  label: z.string().trim().min(1).max(AUDIO_TRACK_LABEL_MAX).optional(),
});
