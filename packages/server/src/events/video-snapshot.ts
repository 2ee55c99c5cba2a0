import { isTranscodeErrorCode, publicRendition } from '@reelkit/protocol';
import type { VideoLifecycleStatus, VideoSnapshot } from '@reelkit/protocol';
import type { Video, VideoModel } from '../videos/video-model.js';

/**
 * Reads the current state of what a socket watches: with `videoId`, that one video (or nothing
 * when it does not exist in `orgId`); without, the organisation's videos not in a final state.
 */
export type LoadSnapshot = (orgId: string, videoId?: string) => Promise<VideoSnapshot[]>;

/** The statuses an org socket's `video:state` lists. */
export const UNFINISHED_STATUSES = [
  'uploading',
  'queued',
  'processing',
] as const satisfies VideoLifecycleStatus[];

/** At most this many unfinished videos in an org snapshot (newest first). */
export const ORG_SNAPSHOT_LIMIT = 200;

type SnapshotSource = Pick<
  Video,
  'status' | 'progress' | 'renditions' | 'posterKey' | 'metadata' | 'error'
> & {
  _id: { toString(): string };
};

/** A video document as a `video:state` entry (no storage keys). */
export function videoSnapshotOf(v: SnapshotSource): VideoSnapshot {
  return {
    videoId: v._id.toString(),
    status: v.status,
    progress: { stage: v.progress?.stage ?? 'upload', percent: v.progress?.percent ?? 0 },
    result:
      v.status === 'ready'
        ? {
            duration: v.metadata?.duration ?? 0,
            renditions: (v.renditions ?? []).map(publicRendition),
            poster: Boolean(v.posterKey),
          }
        : null,
    error:
      v.status === 'failed' && v.error?.code
        ? {
            // Stored codes come from parseTranscodeFailure; an older document's unknown one reads as the catch-all.
            code: isTranscodeErrorCode(v.error.code) ? v.error.code : 'transcode_failed',
            message: v.error.message,
          }
        : null,
  };
}

const FIELDS = 'status progress renditions posterKey metadata.duration error';

/** `LoadSnapshot` backed by the videos collection (indexes: `{orgId, _id}`, `{orgId, status, _id}`). */
export function createVideoSnapshotLoader(Video: VideoModel): LoadSnapshot {
  const objectId = /^[0-9a-f]{24}$/i;
  return async (orgId, videoId) => {
    if (!objectId.test(orgId)) return [];
    if (videoId !== undefined) {
      if (!objectId.test(videoId)) return [];
      const v = await Video.findOne({ _id: videoId, orgId }).select(FIELDS).lean();
      return v ? [videoSnapshotOf(v as SnapshotSource)] : [];
    }
    const videos = await Video.find({ orgId, status: { $in: UNFINISHED_STATUSES } })
      .select(FIELDS)
      .sort({ _id: -1 })
      .limit(ORG_SNAPSHOT_LIMIT)
      .lean();
    return videos.map((v) => videoSnapshotOf(v as SnapshotSource));
  };
}
