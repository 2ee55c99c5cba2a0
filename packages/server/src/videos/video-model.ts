import { CAPTION_KINDS, CAPTION_SOURCES, MEDIA_TYPES, VIDEO_STATUSES, VISIBILITIES } from '@reelkit/protocol';
import type {
  CaptionKind,
  MediaType,
  Rendition,
  SensitivityResult,
  VideoMetadata,
  VideoStatus,
  Visibility,
} from '@reelkit/protocol';
import { Schema, type Connection, type HydratedDocument, type Model, type Types } from 'mongoose';
import { titleTokens } from './title-tokens.js';
import { audioTrackSchema, type StoredAudioTrack } from './video-audio-tracks.js';
import { followVideoWrites } from './video-writes.js';

export { VIDEO_STATUSES, VISIBILITIES };
export type { VideoStatus, Visibility };
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;

/** A stored file the streaming route can serve without asking storage first. */
export interface StoredFile {
  key: string;
  size: number;
  /** Strong entity tag, quoted. */
  etag: string;
  lastModified: Date;
  mimeType: string;
}

export interface VideoSource extends StoredFile {
  sha256: string;
  /** What the upload was sniffed as (`mp4`, `webm`, …). */
  container: string;
  /** The client's file name: shown and scored, never used in a path. */
  originalName?: string;
}

/** State of a resumable (tus) upload while the video is `uploading`. */
export interface PendingUpload {
  length: number;
  offset: number;
  /** Parts already received, in order; concatenated into `source` on completion. */
  parts: Array<{ key: string; size: number }>;
  /** When the upload expires unless more bytes arrive (tus `Upload-Expires`). */
  expiresAt?: Date;
  /** Set once the first bytes were sniffed. */
  container?: string;
  mimeType?: string;
  originalName?: string;
  /** The `Upload-Metadata` header as given at creation, returned by HEAD (tus creation). */
  metadata?: string;
}

export interface Video {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  title: string;
  /** The title's search tokens (`titleTokens()`), kept by the model on every write of the title. */
  titleTokens?: string[];
  description: string;
  visibility: Visibility;
  status: VideoStatus;
  progress: { stage: string; percent: number };
  source?: VideoSource;
  upload?: PendingUpload;
  metadata?: VideoMetadata;
  renditions: Rendition[];
  /** The HLS audio group (absent on videos transcoded before audio tracks existed). */
  audioTracks?: StoredAudioTrack[];
  mediaType?: MediaType;
  posterKey?: string;
  storyboard?: { imageKey: string; vttKey: string };
  /** The progressive (faststart) MP4 rendition; served by `/file` once present. */
  mp4?: StoredFile;
  sensitivity?: SensitivityResult;
  error?: { code: string; message: string };
  /** Caption tracks, in the order they were added (`caption-routes.ts`, the transcode result). */
  captions?: StoredCaption[];
  createdBy: { kind: 'user' | 'api_key'; id: string };
  createdAt: Date;
  updatedAt: Date;
}

/** A caption track: its WebVTT and one-segment media playlist live in storage under `hls/subs/`. */
export interface StoredCaption {
  _id: Types.ObjectId;
  language: string;
  label: string;
  kind: CaptionKind;
  default: boolean;
  source: 'upload' | 'source';
  /** Storage key of the sanitised WebVTT (`<org>/<video>/hls/subs/<id>.vtt`). */
  key: string;
  /** End of the last cue, in milliseconds. */
  endMs: number;
  createdAt: Date;
}

export type VideoDocument = HydratedDocument<Video>;
export type VideoModel = Model<Video>;

const storedFile = {
  key: { type: String, required: true },
  size: { type: Number, required: true, min: 0 },
  etag: { type: String, required: true },
  lastModified: { type: Date, required: true },
  mimeType: { type: String, required: true },
};

const schema = new Schema<Video>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true, trim: true, minlength: 1, maxlength: TITLE_MAX },
    titleTokens: { type: [String], default: undefined },
    description: { type: String, default: '', maxlength: DESCRIPTION_MAX },
    visibility: { type: String, enum: VISIBILITIES, default: 'private', required: true },
    status: { type: String, enum: VIDEO_STATUSES, required: true },
    progress: {
      stage: { type: String, default: 'upload' },
      percent: { type: Number, default: 0, min: 0, max: 100 },
    },
    source: {
      type: new Schema(
        {
          ...storedFile,
          sha256: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
          container: { type: String, required: true },
          originalName: { type: String, maxlength: 1024 },
        },
        { _id: false },
      ),
      required: false,
    },
    upload: {
      type: new Schema(
        {
          length: { type: Number, required: true, min: 0 },
          offset: { type: Number, required: true, min: 0 },
          parts: [new Schema({ key: String, size: Number }, { _id: false })],
          expiresAt: Date,
          container: String,
          mimeType: String,
          originalName: { type: String, maxlength: 1024 },
          metadata: { type: String, maxlength: 16384 },
        },
        { _id: false },
      ),
      required: false,
    },
    metadata: { type: Schema.Types.Mixed },
    renditions: {
      type: [
        new Schema(
          {
            rung: Number,
            width: Number,
            height: Number,
            bandwidth: Number,
            averageBandwidth: Number,
            codecs: String,
            frameRate: Number,
            playlistKey: String,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    audioTracks: { type: [audioTrackSchema], default: undefined },
    mediaType: { type: String, enum: MEDIA_TYPES, required: false },
    posterKey: String,
    storyboard: { type: new Schema({ imageKey: String, vttKey: String }, { _id: false }), required: false },
    mp4: { type: new Schema(storedFile, { _id: false }), required: false },
    sensitivity: {
      type: new Schema(
        {
          score: { type: Number, min: 0, max: 100 },
          label: { type: String, enum: ['safe', 'review', 'flagged'] },
          reasons: [new Schema({ code: String, message: String, penalty: Number }, { _id: false })],
        },
        { _id: false },
      ),
      required: false,
    },
    error: { type: new Schema({ code: String, message: String }, { _id: false }), required: false },
    captions: {
      type: [
        new Schema(
          {
            language: { type: String, required: true },
            label: { type: String, required: true },
            kind: { type: String, enum: CAPTION_KINDS, required: true },
            default: { type: Boolean, required: true },
            source: { type: String, enum: CAPTION_SOURCES, required: true },
            key: { type: String, required: true },
            endMs: { type: Number, required: true, min: 0 },
            createdAt: { type: Date, required: true },
          },
          { _id: true },
        ),
      ],
      default: undefined,
    },
    createdBy: {
      kind: { type: String, enum: ['user', 'api_key'], required: true },
      id: { type: String, required: true },
    },
  },
  { timestamps: true, strict: 'throw', collection: 'videos' },
);

// One index per query path of the catalogue; every query starts with orgId.
schema.index({ orgId: 1, _id: -1 });
schema.index({ orgId: 1, status: 1, _id: -1 });
// The upload sweeper's query: expired resumable uploads.
schema.index({ status: 1, 'upload.expiresAt': 1 });
schema.index({ orgId: 1, visibility: 1, _id: -1 });
// Title search (multikey): each search token is an anchored regex, an index range on MongoDB.
schema.index({ orgId: 1, titleTokens: 1, _id: -1 });

// The tokens follow the title on every write path that can set one (create/save, and the
// `findOneAndUpdate` of `PATCH /v1/videos/:id`), so no caller has to remember them.
schema.pre('validate', function () {
  if (this.isModified('title') || !this.titleTokens) this.titleTokens = titleTokens(this.title ?? '');
});
schema.pre(['findOneAndUpdate', 'updateOne'], function () {
  const update = this.getUpdate() as { $set?: Record<string, unknown>; title?: unknown } | null;
  const title = update?.$set?.title ?? update?.title;
  if (typeof title === 'string') this.set('titleTokens', titleTokens(title.trim()));
});

// The catalogue index follows every write (`onVideoWrite`).
followVideoWrites(schema);

/** The `Video` model on one connection (never the global mongoose). */
export function createVideoModel(db: Connection): VideoModel {
  return (db.models.Video as VideoModel | undefined) ?? db.model<Video>('Video', schema);
}
