import { publicRendition, type Video as VideoJson } from '@reelkit/protocol';
import type { Caption } from '@reelkit/protocol';
import { isReadyTrack, publicAudioTrack } from './video-audio-tracks.js';
import type { StoredCaption, Video } from './video-model.js';

export type { VideoJson };

type VideoLike = Omit<Video, '_id'> & { _id: { toString(): string } };

/** A video document as the API returns it (`Video` of the protocol): `id`, never `_id`; no storage keys. */
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
    audioTracks: (v.audioTracks ?? []).filter(isReadyTrack).map(publicAudioTrack),
    mediaType: v.mediaType ?? 'video',
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
    captions: (v.captions ?? []).map(toCaptionJson),
    error: v.error?.code ? { code: v.error.code, message: v.error.message } : null,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

/** A caption as the API returns it: no storage key. */
export function toCaptionJson(c: StoredCaption): Caption {
  return {
    id: c._id.toString(),
    language: c.language,
    label: c.label,
    kind: c.kind,
    default: c.default,
    source: c.source,
    createdAt: c.createdAt.toISOString(),
  };
}
