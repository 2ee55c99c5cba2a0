// A video's audio group as stored and as the API shows it. The stored entry keeps what the master
// playlist needs to be rewritten later (a dub added); the API shows no storage keys.
import { AUDIO_TRACK_SOURCES, type AudioRendition, type AudioTrack } from '@reelkit/protocol';
import { Schema } from 'mongoose';

/** One audio rendition as stored on the video document. */
export type StoredAudioTrack = AudioRendition;

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
  },
  { _id: false },
);

/** A stored track as the API returns it: no keys, no bitrates. */
export function publicAudioTrack(t: AudioTrack): AudioTrack {
  return {
    id: t.id,
    language: t.language ?? null,
    label: t.label,
    channels: t.channels,
    default: t.default,
    source: t.source,
  };
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
