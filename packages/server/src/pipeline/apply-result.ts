import {
  captionFilePath,
  type SourceCaption,
  type TranscodeFailure,
  type TranscodeProgress,
  type TranscodeResult,
} from '@reelkit/protocol';
import type { StoredObject } from '@reelkit/storage';
import { Types } from 'mongoose';
import { storedFileFromStat } from '../videos/stored-file.js';
import { storedAudioTrack } from '../videos/video-audio-tracks.js';
import type { StoredCaption } from '../videos/video-model.js';

/**
 * The captions a worker took from the source, as the video document stores them. One whose id is
 * not 24 hex digits or whose key is not that caption's file in this video's folder is left out:
 * the server later deletes a caption by its key.
 */
export function storedSourceCaptions(
  videoId: string,
  captions: readonly SourceCaption[],
  now: Date,
): StoredCaption[] {
  return captions
    .filter((c) => /^[0-9a-f]{24}$/.test(c.id) && c.key.endsWith(`/${videoId}/${captionFilePath(c.id)}`))
    .map((c) => storedSourceCaption(c, now));
}

function storedSourceCaption(c: SourceCaption, now: Date): StoredCaption {
  return {
    _id: new Types.ObjectId(c.id),
    language: c.language,
    label: c.label,
    kind: c.kind,
    default: c.default,
    source: 'source',
    key: c.key,
    endMs: c.endMs,
    createdAt: now,
  };
}

/**
 * The document update for a finished job. Pure: the caller supplies the stat of the progressive
 * MP4 (its size and date make the `/file` route's validators, read once here instead of per request)
 * and, when the result reports the source's captions, the video's caption list with them merged in.
 */
export function readyUpdate(
  result: TranscodeResult,
  mp4: StoredObject | null,
  captions?: readonly StoredCaption[],
) {
  return {
    $set: {
      status: 'ready',
      progress: { stage: 'finalize', percent: 100 },
      metadata: result.metadata,
      renditions: result.renditions,
      audioTracks: (result.audioTracks ?? []).map(storedAudioTrack),
      mediaType: result.mediaType ?? 'video',
      posterKey: result.posterKey,
      ...(result.storyboard
        ? { storyboard: { imageKey: result.storyboard.imageKey, vttKey: result.storyboard.vttKey } }
        : {}),
      sensitivity: result.sensitivity,
      ...(captions ? { captions } : {}),
      ...(mp4
        ? {
            // An audio-only video's progressive file is an `.m4a`.
            mp4: storedFileFromStat(
              { ...mp4, key: result.mp4Key },
              result.mediaType === 'audio' ? 'audio/mp4' : 'video/mp4',
            ),
          }
        : {}),
    },
    $unset: { error: 1, ...(result.storyboard ? {} : { storyboard: 1 }) },
  };
}

export function failedUpdate(failure: TranscodeFailure) {
  return {
    $set: { status: 'failed', error: { code: failure.code, message: failure.message.slice(0, 1000) } },
  };
}

/** Progress as stored: a stage and a whole percent in [0, 100]. */
export function progressUpdate(progress: TranscodeProgress) {
  const percent = Math.max(0, Math.min(100, Math.round(Number(progress.percent) || 0)));
  return { $set: { status: 'processing', progress: { stage: progress.stage, percent } } };
}

/** A job's progress payload from Redis, or null when it is not one of ours. */
export function parseProgress(data: unknown): TranscodeProgress | null {
  if (!data || typeof data !== 'object') return null;
  const { stage, percent } = data as Record<string, unknown>;
  if (typeof stage !== 'string' || typeof percent !== 'number') return null;
  return { stage: stage as TranscodeProgress['stage'], percent };
}
