// Every change of a video's audio group — a dub recorded, published into the master playlist,
// failed, or removed — goes through here, one at a time per video under a Redis lock (FerretDB
// 1.24 applies no filtered update atomically). Inside the lock the document and the stored master
// are read again, so two dubs finishing at once both end up in the master.
import {
  VIDEO_OUTPUT_PATHS,
  audioTrackDirPath,
  videoOutputKey,
  type DubJobResult,
  type TranscodeFailure,
} from '@reelkit/protocol';
import type { Storage } from '@reelkit/storage';
import {
  addAudioRendition,
  hasAudioRendition,
  removeAudioRendition,
  type AudioGroupPeak,
} from '@reelkit/transcoder';
import { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { createLock, type WithLock } from '../redis-lock.js';
import { isReadyTrack, type StoredAudioTrack } from './video-audio-tracks.js';
import type { Video, VideoModel } from './video-model.js';

/** The URI of a track's media playlist, relative to the master (`audio/<id>/index.m3u8`). */
export function audioTrackUri(trackId: string): string {
  return `audio/${trackId}/index.m3u8`;
}

/** Pure: the highest bandwidths of the tracks in the master (what a variant's BANDWIDTH counts). */
export function audioGroupPeak(tracks: readonly StoredAudioTrack[]): AudioGroupPeak {
  const ready = tracks.filter(isReadyTrack);
  return {
    bandwidth: Math.max(0, ...ready.map((t) => t.bandwidth ?? 0)),
    averageBandwidth: Math.max(0, ...ready.map((t) => t.averageBandwidth ?? 0)),
  };
}

/** Pure: the list with `id` removed, the first remaining ready track the default if it was. */
export function withoutTrack(tracks: readonly StoredAudioTrack[], id: string): StoredAudioTrack[] {
  const removed = tracks.find((t) => t.id === id);
  const rest = tracks.filter((t) => t.id !== id);
  if (!removed?.default) return rest;
  const heir = rest.find(isReadyTrack);
  return rest.map((t) => (t === heir ? { ...t, default: true } : t));
}

/** Pure: a label unique within the group (HLS requires distinct `NAME`s): `French`, `French (2)`… */
export function uniqueLabel(label: string, tracks: readonly StoredAudioTrack[]): string {
  const taken = new Set(tracks.map((t) => t.label));
  if (!taken.has(label)) return label;
  for (let n = 2; ; n++) if (!taken.has(`${label} (${n})`)) return `${label} (${n})`;
}

export interface AudioGroupWriterDeps {
  Video: VideoModel;
  storage: Storage;
  redis: Redis;
  /** The Redis prefix the lock lives under (every server instance and the results applier share it). */
  prefix: string;
}

/**
 * The audio group's lock: held across a read of the master from storage and its rewrite, so with
 * more room than the default (an S3 round trip or two on a busy store).
 */
const LOCK_OPTIONS = { ttlMs: 30_000, waitMs: 30_000 };

/** What a removal found: the video after it and the track taken out (null: there was none). */
export interface RemovedTrack {
  video: Video;
  track: StoredAudioTrack;
}

/** Lock name of a video's audio group (the master playlist's audio renditions and the document's). */
export const audioGroupLock = (videoId: string) => `audio-group:${videoId}`;

/** Creates the writer of videos' audio groups; see the module comment. */
export function createAudioGroupWriter(deps: AudioGroupWriterDeps) {
  const { Video, storage } = deps;
  const withLock: WithLock = createLock(deps.redis, deps.prefix, LOCK_OPTIONS);

  const masterKey = (video: Pick<Video, '_id' | 'orgId'>) =>
    videoOutputKey(video.orgId.toHexString(), video._id.toHexString(), VIDEO_OUTPUT_PATHS.master);

  async function readText(key: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of storage.read(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  const writeText = (key: string, text: string) => storage.write(key, Readable.from([Buffer.from(text)]));

  const setTracks = (videoId: Types.ObjectId, tracks: StoredAudioTrack[]) =>
    Video.findByIdAndUpdate(
      videoId,
      { $set: { audioTracks: tracks } },
      { returnDocument: 'after', runValidators: true },
    ).lean<Video>();

  /** Runs `edit` on the video's current tracks under its lock; null when the video is gone. */
  function edit<T>(videoId: Types.ObjectId, fn: (video: Video) => Promise<T | null>): Promise<T | null> {
    return withLock(audioGroupLock(videoId.toHexString()), async () => {
      const video = await Video.findById(videoId).lean<Video>();
      return video ? fn(video) : null;
    });
  }

  /** Files of a track: its rendition folder and its uploaded file. */
  async function deleteTrackFiles(video: Pick<Video, '_id' | 'orgId'>, track: StoredAudioTrack) {
    const dir = videoOutputKey(
      video.orgId.toHexString(),
      video._id.toHexString(),
      audioTrackDirPath(track.id),
    );
    await storage.deletePrefix(`${dir}/`);
    if (track.sourceKey) await storage.deletePrefix(track.sourceKey);
  }

  return {
    /** Records a new dub (`processing`), its label made unique in the group. */
    addProcessing(videoId: Types.ObjectId, track: StoredAudioTrack): Promise<Video | null> {
      return edit(videoId, async (video) => {
        const tracks = video.audioTracks ?? [];
        return setTracks(videoId, [...tracks, { ...track, label: uniqueLabel(track.label, tracks) }]);
      });
    },

    /**
     * Puts a finished dub into the master playlist (read again here: another dub may have been
     * added since) and marks it ready. When the track was removed meanwhile (or the result came
     * twice) nothing is published; a removed track's files, which the job wrote after the removal,
     * are deleted. Returns the video when it changed.
     */
    async publish(videoId: Types.ObjectId, result: DubJobResult): Promise<Video | null> {
      let orphan: { video: Video; track: StoredAudioTrack } | undefined;
      const updated = await edit(videoId, async (video) => {
        const tracks = video.audioTracks ?? [];
        const track = tracks.find((t) => t.id === result.id);
        if (!track) {
          orphan = { video, track: { ...result } };
          return null;
        }
        if (track.status !== 'processing') return null;
        const key = masterKey(video);
        const master = await readText(key);
        const isDefault = !tracks.some(isReadyTrack);
        const uri = audioTrackUri(track.id);
        if (!hasAudioRendition(master, uri)) {
          const added = {
            uri,
            name: track.label,
            language: track.language,
            channels: result.channels,
            default: isDefault,
            bandwidth: result.bandwidth,
            averageBandwidth: result.averageBandwidth,
            codecs: result.codecs,
          };
          // Segments, init and the media playlist were published by the job: the master goes last.
          await writeText(key, addAudioRendition(master, added, audioGroupPeak(tracks)));
        }
        const ready: StoredAudioTrack = {
          ...track,
          status: 'ready',
          default: isDefault,
          channels: result.channels,
          bandwidth: result.bandwidth,
          averageBandwidth: result.averageBandwidth,
          codecs: result.codecs,
          playlistKey: result.playlistKey,
        };
        return setTracks(
          videoId,
          tracks.map((t) => (t === track ? ready : t)),
        );
      });
      if (orphan) await deleteTrackFiles(orphan.video, orphan.track);
      return updated;
    },

    /** Marks a dub failed with the job's code; the video when it changed. */
    fail(videoId: Types.ObjectId, trackId: string, failure: TranscodeFailure): Promise<Video | null> {
      return edit(videoId, async (video) => {
        const tracks = video.audioTracks ?? [];
        const track = tracks.find((t) => t.id === trackId);
        if (track?.status !== 'processing') return null;
        const failed: StoredAudioTrack = {
          ...track,
          status: 'failed',
          error: { code: failure.code, message: failure.message.slice(0, 1000) },
        };
        return setTracks(
          videoId,
          tracks.map((t) => (t === track ? failed : t)),
        );
      });
    },

    /**
     * Removes a dub: from the master first (when it was in it), then from the document, then its
     * files. A source track is not removable: `sourceTrack` is returned for the caller to refuse.
     */
    async remove(
      videoId: Types.ObjectId,
      trackId: string,
    ): Promise<RemovedTrack | { sourceTrack: true } | null> {
      const out = await edit<RemovedTrack | { sourceTrack: true }>(videoId, async (video) => {
        const tracks = video.audioTracks ?? [];
        const track = tracks.find((t) => t.id === trackId);
        if (!track) return null;
        if (track.source === 'source') return { sourceTrack: true };
        const rest = withoutTrack(tracks, trackId);
        if (isReadyTrack(track)) {
          const key = masterKey(video);
          const master = await readText(key);
          const text = removeAudioRendition(
            master,
            audioTrackUri(trackId),
            audioGroupPeak(tracks),
            audioGroupPeak(rest),
          );
          if (text !== master) await writeText(key, text);
        }
        const updated = await setTracks(videoId, rest);
        return updated ? { video: updated, track } : null;
      });
      if (out && 'track' in out) await deleteTrackFiles(out.video, out.track);
      return out;
    },
  };
}

export type AudioGroupWriter = ReturnType<typeof createAudioGroupWriter>;
