import { publicRendition } from '@reelkit/protocol';
import type { SensitivityResult, VideoMetadata } from '@reelkit/protocol';
import type { Video, VideoStatus, Visibility } from './video-model.js';

/** A video as the API returns it: `id`, never `_id`; no storage keys. */
export interface VideoJson {
  id: string;
  title: string;
  description: string;
  visibility: Visibility;
  status: VideoStatus;
  progress: { stage: string; percent: number };
  source: { size: number; sha256: string; mimeType: string; originalName: string | null } | null;
  upload: { length: number; offset: number } | null;
  metadata: VideoMetadata | null;
  renditions: Array<{ rung: number; width: number; height: number; bandwidth: number; codecs: string }>;
  hasPoster: boolean;
  hasStoryboard: boolean;
  /** True once the progressive MP4 rendition exists (the file route then serves it). */
  hasProgressiveMp4: boolean;
  sensitivity: SensitivityResult | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

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
    metadata: v.metadata ?? null,
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
