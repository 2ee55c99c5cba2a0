import type { ErrorCode } from './code-names.js';

export type { ErrorCode } from './code-names.js';
/**
 * Every error the API can answer with, by stable machine-readable code. The HTTP layer turns an
 * `AppError` into `application/problem+json` with one of these codes; the SDK re-creates them as
 * typed errors. Add a code here before using it anywhere.
 */
export const ERROR_CODES = {
  // generic
  internal_error: { status: 500, title: 'Internal server error' },
  not_found: { status: 404, title: 'Not found' },
  /** The path exists but not with this method (TRACE, PROPFIND, …); the answer's `Allow` lists those it takes. */
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  validation_failed: { status: 400, title: 'Validation failed' },
  invalid_json: { status: 400, title: 'Malformed JSON body' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  storage_unavailable: { status: 503, title: 'Storage unavailable' },
  // authentication and authorisation
  unauthenticated: { status: 401, title: 'Authentication required' },
  token_invalid: { status: 401, title: 'Invalid token' },
  token_expired: { status: 401, title: 'Token expired' },
  invalid_credentials: { status: 401, title: 'Wrong email or password' },
  refresh_token_reused: { status: 401, title: 'Refresh token reused' },
  account_disabled: { status: 401, title: 'Account deactivated' },
  api_key_invalid: { status: 401, title: 'Invalid API key' },
  forbidden: { status: 403, title: 'Not allowed' },
  csrf_failed: { status: 403, title: 'Cross-site request refused' },
  // accounts
  email_taken: { status: 409, title: 'Email already registered' },
  last_admin: { status: 409, title: 'An organisation needs an active admin' },
  invitation_pending: { status: 409, title: 'The member has not accepted the invitation yet' },
  invite_invalid: { status: 400, title: 'Invitation invalid or expired' },
  user_not_found: { status: 404, title: 'User not found' },
  api_key_not_found: { status: 404, title: 'API key not found' },
  // playback
  playback_token_invalid: { status: 403, title: 'Invalid playback token' },
  playback_token_expired: { status: 403, title: 'Playback token expired' },
  playback_video_mismatch: { status: 403, title: 'Playback token is for another video' },
  playback_origin_refused: { status: 403, title: 'This site may not play this video' },
  playback_path_invalid: { status: 400, title: 'Invalid playback path' },
  video_not_ready: { status: 409, title: 'Video not ready' },
  // videos, uploads and streaming
  video_not_found: { status: 404, title: 'Video not found' },
  upload_too_large: { status: 413, title: 'Upload exceeds the maximum size' },
  upload_type_rejected: { status: 415, title: 'Not a supported media container' },
  caption_not_found: { status: 404, title: 'Caption not found' },
  caption_format_rejected: { status: 415, title: 'Not a WebVTT or SubRip file' },
  caption_invalid: { status: 422, title: 'Caption file has errors' },
  audio_track_not_found: { status: 404, title: 'Audio track not found' },
  /** A source's own audio track is part of its transcode: only dubs added later can be removed. */
  audio_track_from_source: { status: 409, title: 'A source audio track cannot be removed' },
  /** The file has no audio stream ffprobe can read (a silent video, a damaged file). */
  dub_no_audio: { status: 422, title: 'The file has no audio stream' },
  /** The dub's duration is outside the tolerance of the video's (1 s, or 2 % of a long video). */
  dub_length_mismatch: { status: 422, title: 'The dub does not last as long as the video' },
  /** An audio-only video's ladder is its audio: it takes no second track. */
  dub_audio_only_video: { status: 409, title: 'An audio-only video takes no extra audio track' },
  upload_incomplete: { status: 409, title: 'Upload not complete' },
  upload_offset_mismatch: { status: 409, title: 'Upload-Offset does not match the stored offset' },
  upload_expired: { status: 410, title: 'The resumable upload expired and was removed' },
  tus_version_unsupported: { status: 412, title: 'Unsupported Tus-Resumable version' },
  /** The storage volume is full (ENOSPC); nothing of the upload was kept. Sent with `Retry-After`. */
  storage_full: { status: 507, title: 'Storage full' },
  range_not_satisfiable: { status: 416, title: 'Range not satisfiable' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  // webhooks
  webhook_not_found: { status: 404, title: 'Webhook endpoint not found' },
  webhook_target_refused: { status: 400, title: 'Webhook target address refused' },
  webhook_secret_rotated_meanwhile: { status: 409, title: 'The signing secret was rotated meanwhile' },
} as const satisfies Record<ErrorCode, { status: number; title: string }>;

/** RFC 9457 problem details, as every error response carries them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  /** Field-level validation errors: path → messages. */
  errors?: Array<{ path: string; message: string }>;
  requestId?: string;
}
