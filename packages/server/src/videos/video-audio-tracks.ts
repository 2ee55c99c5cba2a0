// A video's audio group as stored and as the API shows it. The stored entry keeps what the master
// playlist needs to be rewritten later (a dub added); the API shows no storage keys.
import {
  AUDIO_TRACK_SOURCES,
  AUDIO_TRACK_STATUSES,
  type AudioRendition,
  type AudioTrack,
  type AudioTrackEntry,
  type AudioTrackStatus,
} from '@reelkit/protocol';
import { Schema } from 'mongoose';

/**
 * One audio rendition as stored on the video document. A dub (`source: 'upload'`) also keeps its
 * status, the key of its uploaded file and, once failed, why; its bandwidths come with its
 * `ready`. A track without a status (every source track) is ready.
 */
export interface StoredAudioTrack extends Omit<
  AudioRendition,
  'bandwidth' | 'averageBandwidth' | 'codecs' | 'playlistKey'
> {
  bandwidth?: number | undefined;
  averageBandwidth?: number | undefined;
  codecs?: string | undefined;
  playlistKey?: string | undefined;
  status?: AudioTrackStatus;
  error?: { code: string; message: string } | undefined;
  /** Storage key of a dub's uploaded file, `<org>/<video>/dubs/<id>`. */
  sourceKey?: string | undefined;
  createdAt?: Date | undefined;
}

/** Whether a stored track is in the master playlist. */
export function isReadyTrack(t: StoredAudioTrack): boolean {
  return (t.status ?? 'ready') === 'ready';
}

/** The mongoose sub-schema of {@link StoredAudioTrack}. */
export const audioTrackSchema = new Schema<StoredAudioTrack>(
  {
    id: { type: String, required: true },
    language: { type: String, default: null },
    label: { type: String, required: true },
    channels: { type: Number, required: true },
    default: { type: Boolean, required: true },
    source: { type: String, enum: AUDIO_TRACK_SOURCES, required: true },
    bandwidth: Number,
    averageBandwidth: Number,
    codecs: String,
    playlistKey: String,
    status: { type: String, enum: AUDIO_TRACK_STATUSES },
    error: { type: new Schema({ code: String, message: String }, { _id: false }), default: undefined },
    sourceKey: String,
    createdAt: Date,
  },
  { _id: false },
);

/** A stored track as the API returns it: no keys, no bitrates. */
export function publicAudioTrack(t: StoredAudioTrack | AudioTrack): AudioTrack {
  return {
    id: t.id,
    language: t.language ?? null,
    label: t.label,
    channels: t.channels,
    default: t.default,
    source: t.source,
  };
}

/** A stored track as `GET /v1/videos/:id/audio-tracks` lists it, with its status. */
export function audioTrackEntry(t: StoredAudioTrack): AudioTrackEntry {
  return { ...publicAudioTrack(t), status: t.status ?? 'ready', error: t.error ?? null };
}

/** A transcoder's {@link AudioRendition} as stored (only the known fields). */
export function storedAudioTrack(t: AudioRendition): StoredAudioTrack {
  return {
    ...publicAudioTrack(t),
    bandwidth: t.bandwidth,
    averageBandwidth: t.averageBandwidth,
    codecs: t.codecs,
    playlistKey: t.playlistKey,
  };
}
