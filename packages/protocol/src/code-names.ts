/**
 * The names of every code, apart from their descriptions: what a client needs to recognise a code
 * (the player SDK ships these lists, not the tables of titles and sentences, to keep its entry small).
 * The tables in `error-codes.ts` and `transcode-errors.ts` are typed `Record<Code, …>` over these
 * lists, so a code added to one place and not the other fails the typecheck.
 */

/** Every code the API answers with; described in `ERROR_CODES`. */
export const ERROR_CODE_NAMES = [
  'internal_error',
  'not_found',
  'method_not_allowed',
  'validation_failed',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'service_unavailable',
  'storage_unavailable',
  'unauthenticated',
  'token_invalid',
  'token_expired',
  'invalid_credentials',
  'refresh_token_reused',
  'account_disabled',
  'api_key_invalid',
  'forbidden',
  'csrf_failed',
  'email_taken',
  'last_admin',
  'invitation_pending',
  'invite_invalid',
  'user_not_found',
  'api_key_not_found',
  'playback_token_invalid',
  'playback_token_expired',
  'playback_video_mismatch',
  'playback_origin_refused',
  'playback_path_invalid',
  'video_not_ready',
  'video_not_found',
  'upload_too_large',
  'upload_type_rejected',
  'caption_not_found',
  'caption_format_rejected',
  'caption_invalid',
  'audio_track_not_found',
  'audio_track_from_source',
  'dub_no_audio',
  'dub_length_mismatch',
  'dub_audio_only_video',
  'upload_incomplete',
  'upload_offset_mismatch',
  'upload_expired',
  'tus_version_unsupported',
  'storage_full',
  'range_not_satisfiable',
  'precondition_failed',
  'webhook_not_found',
  'webhook_target_refused',
  'webhook_secret_rotated_meanwhile',
] as const;

/** One of {@link ERROR_CODE_NAMES}. */
export type ErrorCode = (typeof ERROR_CODE_NAMES)[number];

/** Every code a failed transcode carries; described in `TRANSCODE_ERROR_CODES`. */
export const TRANSCODE_ERROR_CODE_NAMES = [
  'source_unreadable',
  'source_no_video',
  'source_too_long',
  'source_too_large',
  'source_fps_too_high',
  'source_format_rejected',
  'transcode_timeout',
  'storage_full',
  'cancelled',
  'transcode_failed',
] as const;

/** One of {@link TRANSCODE_ERROR_CODE_NAMES}. */
export type TranscodeErrorCode = (typeof TRANSCODE_ERROR_CODE_NAMES)[number];

const errorCodes: ReadonlySet<string> = new Set(ERROR_CODE_NAMES);
const transcodeErrorCodes: ReadonlySet<string> = new Set(TRANSCODE_ERROR_CODE_NAMES);

/** Type guard for {@link ErrorCode}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && errorCodes.has(value);
}

/** Type guard for {@link TranscodeErrorCode}. */
export function isTranscodeErrorCode(value: unknown): value is TranscodeErrorCode {
  return typeof value === 'string' && transcodeErrorCodes.has(value);
}
