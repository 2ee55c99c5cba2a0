/**
 * `@reelkit/embed`: the `<reelkit-player>` web component, built on `@reelkit/player-sdk`.
 * Importing this module does not register the element: call {@link defineReelkitPlayer}
 * (the IIFE build does it for you).
 * @packageDocumentation
 */
export { ReelkitPlayer, defineReelkitPlayer, PLAYBACK_RATES } from './reelkit-player.js';
export { SdkPlayerController } from './player-controller.js';
export type {
  ElementState,
  PlaybackDescriptor,
  PlayerSource,
  SdkPlayerControllerOptions,
} from './player-controller.js';
export type {
  AudioTrackDetail,
  AudioTracksDetail,
  ErrorDetail,
  LevelChangeDetail,
  ProcessingDetail,
  RateDetail,
  ReadyDetail,
  ReelkitPlayerEventMap,
  StateChangeDetail,
  TextTrackDetail,
  TextTracksDetail,
  TimeDetail,
  VolumeDetail,
} from './events.js';
export { parseStoryboardVtt, cueAt, parseVttTime } from './storyboard.js';
export type { StoryboardCue } from './storyboard.js';
export { formatTime, spokenTime } from './format-time.js';
export {
  TRACK_PREFERENCE_KEY,
  audioTrackFor,
  captionToggleTarget,
  readTrackPreference,
  writeTrackPreference,
} from './track-preference.js';
export type { PreferenceStorage, TrackPreference } from './track-preference.js';
export { ERROR_MESSAGES, errorMessage } from './error-message.js';
export type { EmbedErrorCode } from './error-message.js';
