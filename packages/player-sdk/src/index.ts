/**
 * `@reelkit/player-sdk`: play Reelkit videos and talk to the Reelkit API.
 *
 * - {@link createPlayer}: a player over a `<video>` element (hls.js loaded on demand).
 * - {@link ReelkitClient}: the REST API (videos, resumable uploads, playback tokens).
 * - {@link subscribe}: live processing events over socket.io.
 * @packageDocumentation
 */
export { ReelkitError, isRetryable } from './reelkit-error.js';
export type { ReelkitErrorCode, SdkErrorCode } from './reelkit-error.js';
export { SDK_ERROR_CODES, isReelkitErrorCode } from './reelkit-error.js';
export type { ErrorCode, ProblemDetails, TranscodeErrorCode } from '@reelkit/protocol';
export { Emitter } from './emitter.js';
export type { Unsubscribe } from './emitter.js';
export { createPlayer } from './player.js';
export type { Player, PlayerEvents, PlayerOptions, PlayerState, QualityLevel } from './player.js';
export type { AudioTrackInfo, TextTrackInfo, TrackEvents } from './media-tracks.js';
export { chooseEngines, detectCapabilities } from './choose-engine.js';
export type { AvailableSources, PlaybackCapabilities, PlaybackEngine } from './choose-engine.js';
export { withPlaybackToken, playbackTokenOf } from './playback-url.js';
export { TokenKeeper, renewalDelay, jwtExpiry } from './token-keeper.js';
export type { GetToken, TokenGrant, TokenKeeperEvents, TokenKeeperOptions } from './token-keeper.js';
export { ReelkitClient, VideosApi } from './client.js';
export type { CallOptions, ReelkitClientOptions } from './client.js';
export type { Credential } from './http.js';
export { subscribe } from './subscribe.js';
export type { SubscribeOptions, Subscription, WebSocketConstructor, WebSocketLike } from './subscribe.js';
export type { VideoEvent } from './video-events.js';
export type {
  UploadInput,
  UploadOptions,
  UploadProgress,
  UploadResult,
  UploadUrlStore,
} from './tus-upload.js';
export type { ListVideosParams, PlaybackTokenOptions, VideoPatch } from './api-params.js';
export type {
  PlaybackDescriptor,
  PlaybackToken,
  Video,
  VideoList,
  VideoStats,
  VideoStatus,
  Visibility,
} from '@reelkit/protocol';
import type { PlaybackDescriptor, PublicRendition } from '@reelkit/protocol';
/** Where a video can be played from (`GET /v1/videos/:id/playback`): the protocol's `PlaybackDescriptor`. */
export type PlaybackInfo = PlaybackDescriptor;
/** One rung of a video's HLS ladder, as the API describes it. */
export type VideoRendition = PublicRendition;

/** The SDK's version. */
export const VERSION = '0.1.0';
