import type { ReelkitErrorCode } from '@reelkit/player-sdk';

/** Every code a `reelkit-error` event can carry: the SDK's (API, transcoder, SDK) and the element's own. */
export type EmbedErrorCode = ReelkitErrorCode | 'missing_attributes';

const GENERIC = 'Something went wrong while playing this video.';
const NOT_AVAILABLE = 'This video does not exist or is not available.';
const BAD_LINK = 'This video cannot be played with the link it was given.';
const NOT_PROCESSED = 'This video could not be processed.';
const UNAVAILABLE = 'The video service is unavailable. Try again in a moment.';

/**
 * The sentence a viewer sees for each code, exhaustive over {@link EmbedErrorCode} (as hls.js keeps
 * its error details as data): a code that does not exist cannot be mapped, and a new code does not
 * compile until it has a sentence. The code itself is shown next to it for support requests.
 */
export const ERROR_MESSAGES: Readonly<Record<EmbedErrorCode, string>> = {
  // the element
  missing_attributes: 'This player is missing its video-id or api-base.',
  // the SDK
  network_error: 'The video could not be loaded. Check your connection and try again.',
  aborted: 'Loading was stopped.',
  invalid_response: UNAVAILABLE,
  media_error: 'The video could not be decoded.',
  playback_unsupported: 'Your browser cannot play this video.',
  realtime_error: 'Live updates about this video are unavailable. Reload the page to try again.',
  // the API: playback
  video_not_found: NOT_AVAILABLE,
  not_found: NOT_AVAILABLE,
  video_not_ready: 'This video is not ready yet.',
  playback_token_expired: 'The link to this video has expired. Reload the page to watch it.',
  playback_token_invalid: BAD_LINK,
  playback_video_mismatch: BAD_LINK,
  playback_path_invalid: BAD_LINK,
  playback_origin_refused: 'This video may not be played on this site.',
  range_not_satisfiable: 'The video could not be loaded. Reload the page to try again.',
  precondition_failed: 'The video changed while it was loading. Reload the page to try again.',
  rate_limited: 'Too many requests. Try again in a minute.',
  service_unavailable: UNAVAILABLE,
  storage_unavailable: UNAVAILABLE,
  internal_error: GENERIC,
  // the API: access
  unauthenticated: 'Sign in to watch this video.',
  token_invalid: 'Your session is no longer valid. Sign in again to watch this video.',
  token_expired: 'Your session has expired. Sign in again to watch this video.',
  refresh_token_reused: 'Your session is no longer valid. Sign in again to watch this video.',
  account_disabled: 'Your account has been deactivated.',
  invalid_credentials: 'Sign in to watch this video.',
  api_key_invalid: BAD_LINK,
  forbidden: 'You are not allowed to watch this video.',
  csrf_failed: 'This page may not load the video. Reload it to try again.',
  // the API: requests a player does not make; listed so none falls through unseen
  method_not_allowed: GENERIC,
  validation_failed: GENERIC,
  invalid_json: GENERIC,
  payload_too_large: GENERIC,
  unsupported_media_type: GENERIC,
  email_taken: GENERIC,
  last_admin: GENERIC,
  invitation_pending: GENERIC,
  invite_invalid: GENERIC,
  user_not_found: GENERIC,
  api_key_not_found: GENERIC,
  webhook_not_found: GENERIC,
  webhook_target_refused: GENERIC,
  webhook_secret_rotated_meanwhile: GENERIC,
  // the API: uploads (the video is still being uploaded or the upload went wrong)
  upload_incomplete: 'This video is still being uploaded.',
  upload_expired: 'The upload of this video did not finish.',
  upload_too_large: NOT_PROCESSED,
  upload_type_rejected: 'This file is not a video we can play.',
  caption_not_found: 'This caption track no longer exists.',
  caption_format_rejected: 'This file is not a WebVTT or SubRip caption file.',
  caption_invalid: 'This caption file has errors.',
  audio_track_not_found: 'This audio track no longer exists.',
  audio_track_from_source: 'This audio track is part of the video and cannot be removed.',
  dub_no_audio: 'This file has no audio to add.',
  dub_length_mismatch: 'This audio does not last as long as the video.',
  dub_audio_only_video: 'This video is audio-only and takes no extra audio track.',
  upload_offset_mismatch: 'This video is still being uploaded.',
  tus_version_unsupported: GENERIC,
  storage_full: 'The video service is out of storage space. It will try again shortly.',
  // the transcoder (a video whose processing failed)
  source_unreadable: 'This file could not be read as a video.',
  source_no_video: 'This file has no video in it.',
  source_too_long: 'This video is longer than this service accepts.',
  source_too_large: 'This video’s picture is larger than this service accepts.',
  source_fps_too_high: 'This video’s frame rate is higher than this service accepts.',
  source_format_rejected: 'This file is not a video format this service accepts.',
  transcode_timeout: NOT_PROCESSED,
  transcode_failed: NOT_PROCESSED,
  cancelled: 'Processing of this video was stopped.',
};

/**
 * A sentence a viewer can act on for an error code from the SDK or the API. A code this version
 * does not know (a newer server) gets a generic sentence.
 */
export function errorMessage(code: EmbedErrorCode): string {
  return Object.hasOwn(ERROR_MESSAGES, code) ? ERROR_MESSAGES[code] : GENERIC;
}
