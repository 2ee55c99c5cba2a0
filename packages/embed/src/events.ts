import type {
  AudioTrackInfo,
  PlaybackEngine,
  PlayerState,
  QualityLevel,
  TextTrackInfo,
} from '@reelkit/player-sdk';
import type { EmbedErrorCode } from './error-message.js';

/** `detail` of `reelkit-statechange`. */
export interface StateChangeDetail {
  state: PlayerState;
  previous: PlayerState;
}
/** `detail` of `reelkit-ready`. */
export interface ReadyDetail {
  engine: PlaybackEngine;
  duration: number;
  levels: QualityLevel[];
}
/** `detail` of `reelkit-processing`: the stage (probe, thumbnails, transcode, finalize…) and 0–100 within it. */
export interface ProcessingDetail {
  status: string;
  stage: string;
  percent: number;
}
/** `detail` of `reelkit-timeupdate` (also `reelkit-seeking`, `reelkit-seeked`). */
export interface TimeDetail {
  currentTime: number;
  duration: number;
}
/** `detail` of `reelkit-error`: the stable code, the viewer-facing message, and whether playback stopped. */
export interface ErrorDetail {
  /** Stable machine-readable code; every one has a sentence in `ERROR_MESSAGES`. */
  code: EmbedErrorCode;
  /** The sentence shown to the viewer. */
  message: string;
  /** HTTP status, or 0 when there was no HTTP answer. */
  status: number;
  /** True when playback stopped (the element shows the error state). */
  fatal: boolean;
}
/** `detail` of `reelkit-levelchange`. */
export interface LevelChangeDetail {
  level: QualityLevel | undefined;
  auto: boolean;
}
/** `detail` of `reelkit-volumechange`. */
export interface VolumeDetail {
  volume: number;
  muted: boolean;
}
/** `detail` of `reelkit-ratechange`. */
export interface RateDetail {
  playbackRate: number;
}

/** `detail` of `reelkit-texttrackschange`. */
export interface TextTracksDetail {
  tracks: TextTrackInfo[];
}
/** `detail` of `reelkit-texttrackchange`: the track shown, undefined when captions are off. */
export interface TextTrackDetail {
  track: TextTrackInfo | undefined;
}
/** `detail` of `reelkit-audiotrackschange`. */
export interface AudioTracksDetail {
  tracks: AudioTrackInfo[];
}
/** `detail` of `reelkit-audiotrackchange`: the track now heard. */
export interface AudioTrackDetail {
  track: AudioTrackInfo | undefined;
}

/**
 * Every event `<reelkit-player>` dispatches. All are `CustomEvent`s that bubble and cross shadow
 * roots (`composed`), so `addEventListener('reelkit-play', …)` on the element or any ancestor works
 * and TypeScript knows each `detail`.
 */
export interface ReelkitPlayerEventMap {
  /** The player state changed (loading, processing, ready, playing, paused, buffering, ended, error). */
  'reelkit-statechange': CustomEvent<StateChangeDetail>;
  /** The video's metadata is loaded and it can play. */
  'reelkit-ready': CustomEvent<ReadyDetail>;
  /** The video is still being processed: sent on every progress update. */
  'reelkit-processing': CustomEvent<ProcessingDetail>;
  /** Playback was asked to start (the media `play` event). */
  'reelkit-play': CustomEvent<TimeDetail>;
  /** Playback paused. */
  'reelkit-pause': CustomEvent<TimeDetail>;
  /** Playback reached the end. */
  'reelkit-ended': CustomEvent<TimeDetail>;
  /** The position moved while playing (a few times per second). */
  'reelkit-timeupdate': CustomEvent<TimeDetail>;
  /** A seek started. */
  'reelkit-seeking': CustomEvent<TimeDetail>;
  /** A seek finished. */
  'reelkit-seeked': CustomEvent<TimeDetail>;
  /** Volume or mute changed. */
  'reelkit-volumechange': CustomEvent<VolumeDetail>;
  /** The playback speed changed. */
  'reelkit-ratechange': CustomEvent<RateDetail>;
  /** The quality being played changed. */
  'reelkit-levelchange': CustomEvent<LevelChangeDetail>;
  /** The subtitle/caption tracks are known (or changed). */
  'reelkit-texttrackschange': CustomEvent<TextTracksDetail>;
  /** Captions were turned on, off, or to another language. */
  'reelkit-texttrackchange': CustomEvent<TextTrackDetail>;
  /** The audio tracks are known (or changed). */
  'reelkit-audiotrackschange': CustomEvent<AudioTracksDetail>;
  /** Another audio track is heard. */
  'reelkit-audiotrackchange': CustomEvent<AudioTrackDetail>;
  /** Something failed; when `detail.fatal`, playback stopped and the element shows the error. */
  'reelkit-error': CustomEvent<ErrorDetail>;
}
