import type { ErrorCode } from './error-codes.js';
import type { TranscodeErrorCode } from './transcode-errors.js';
import type { Rendition, TranscodeStage } from './transcode-result.js';

/** A video's lifecycle, in order; `ready` and `failed` are final. */
export const VIDEO_LIFECYCLE_STATUSES = ['uploading', 'queued', 'processing', 'ready', 'failed'] as const;

/** One of {@link VIDEO_LIFECYCLE_STATUSES}. */
export type VideoLifecycleStatus = (typeof VIDEO_LIFECYCLE_STATUSES)[number];

/** A rendition as clients see it: no storage keys. */
export type PublicRendition = Pick<Rendition, 'rung' | 'width' | 'height' | 'bandwidth' | 'codecs'>;

/** What clients see of a rendition (storage keys stay on the server): one projection everywhere. */
export function publicRendition({
  rung,
  width,
  height,
  bandwidth,
  codecs,
}: PublicRendition): PublicRendition {
  return { rung, width, height, bandwidth, codecs };
}

/** `video:created`: a video document exists (upload started or finished). */
export interface VideoCreatedEvent {
  videoId: string;
  title: string;
  status: VideoLifecycleStatus;
}

/** `video:progress`: transcoding advanced. `percent` is 0–100 within `stage`. */
export interface VideoProgressEvent {
  videoId: string;
  stage: TranscodeStage;
  percent: number;
}

/** What a finished video offers. */
export interface VideoReadyResult {
  /** Seconds. */
  duration: number;
  /** Highest rung first. */
  renditions: PublicRendition[];
  /** True when a poster image exists (served by the playback delivery path as `poster.jpg`). */
  poster: boolean;
}

/** `video:ready`: every rendition is playable. */
export interface VideoReadyEvent extends VideoReadyResult {
  videoId: string;
}

/** `video:failed`: processing stopped for good. */
export interface VideoFailedEvent {
  videoId: string;
  /** Why: one of `TRANSCODE_ERROR_CODES`. */
  code: TranscodeErrorCode;
  message: string;
}

/** `video:deleted`: the video and its files are gone. */
export interface VideoDeletedEvent {
  videoId: string;
}

/**
 * `video:updated` (and the `video.updated` webhook): something a viewer sees changed without a
 * new transcode: its captions, or its audio tracks (a dub added, ready, failed or removed). `changes`
 * names what (`captions`, `audioTracks`); fetch the video (or the list) for the rest.
 */
export interface VideoUpdatedEvent {
  videoId: string;
  changes: Array<'captions' | 'audioTracks'>;
}

/** The current state of one video, as sent in `video:state`. */
export interface VideoSnapshot {
  videoId: string;
  status: VideoLifecycleStatus;
  /** `stage` is a transcode stage, or `upload` / `queued` before transcoding starts. */
  progress: { stage: string; percent: number };
  /** Set once `status` is `ready`. */
  result: VideoReadyResult | null;
  /** Set once `status` is `failed`. */
  error: { code: TranscodeErrorCode; message: string } | null;
}

/**
 * `video:state`: sent on every (re)connection, after the socket joined its rooms, so nothing that
 * happened before is missed. For a playback-token socket: its one video (empty when deleted). For
 * an access-token socket: the organisation's videos not yet in a final state.
 */
export interface VideoStateEvent {
  scope: 'org' | 'video';
  videos: VideoSnapshot[];
}

/** Payloads of the live video events, by event name. */
export interface VideoEventPayloads {
  'video:created': VideoCreatedEvent;
  'video:progress': VideoProgressEvent;
  'video:ready': VideoReadyEvent;
  'video:failed': VideoFailedEvent;
  'video:deleted': VideoDeletedEvent;
  'video:updated': VideoUpdatedEvent;
}

/** A live video event name (what the server publishes). */
export type VideoEventName = keyof VideoEventPayloads;

export const VIDEO_EVENT_NAMES = [
  'video:created',
  'video:progress',
  'video:ready',
  'video:failed',
  'video:deleted',
  'video:updated',
] as const satisfies readonly VideoEventName[];

/** The codes a socket.io `connect_error` (`err.data.code`) or a refused `auth:refresh` carries. */
export type RealtimeErrorCode = Extract<
  ErrorCode,
  | 'unauthenticated'
  | 'token_invalid'
  | 'token_expired'
  | 'account_disabled'
  | 'playback_token_invalid'
  | 'playback_token_expired'
  | 'playback_origin_refused'
>;

/** Answer to `auth:refresh`. */
export type AuthRefreshAck =
  | { ok: true; /** New expiry, Unix seconds. */ exp: number }
  | { ok: false; code: RealtimeErrorCode | 'token_scope_changed'; message: string };

/** Events the server sends (socket.io `ServerToClientEvents`). */
export interface ServerToClientEvents {
  'video:created': (event: VideoCreatedEvent) => void;
  'video:progress': (event: VideoProgressEvent) => void;
  'video:ready': (event: VideoReadyEvent) => void;
  'video:failed': (event: VideoFailedEvent) => void;
  'video:deleted': (event: VideoDeletedEvent) => void;
  'video:updated': (event: VideoUpdatedEvent) => void;
  'video:state': (state: VideoStateEvent) => void;
  /** Sent just before the server disconnects a socket whose token expired. */
  'auth:expired': (info: { code: 'token_expired' | 'playback_token_expired' }) => void;
}

/** Events a client may send (socket.io `ClientToServerEvents`). There is no way to pick rooms. */
export interface ClientToServerEvents {
  /**
   * Replaces the socket's token before it expires. The new token must be of the same kind and for
   * the same organisation (and video, for a playback token).
   */
  'auth:refresh': (token: string, ack: (result: AuthRefreshAck) => void) => void;
}

/** Events a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ['video.ready', 'video.failed', 'video.deleted', 'video.updated'] as const;

/** One of {@link WEBHOOK_EVENTS}. */
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** `data` of each webhook event. */
export interface WebhookEventData {
  'video.ready': VideoReadyEvent;
  'video.failed': VideoFailedEvent;
  'video.deleted': VideoDeletedEvent;
  'video.updated': VideoUpdatedEvent;
}

/** The JSON body of a webhook delivery (signed; see docs/webhooks.md). */
export interface WebhookEnvelope<T extends WebhookEventType = WebhookEventType> {
  /** Unique per event; the same on every retry (use it to ignore duplicates). */
  id: string;
  type: T;
  /** ISO 8601, when the event happened. */
  createdAt: string;
  orgId: string;
  data: WebhookEventData[T];
}
