import type { ErrorCode } from './error-codes.js';
import type { TranscodeErrorCode } from './transcode-errors.js';

/** What one code means to the one who met it, and what to do about it. */
export interface ErrorCodeDoc {
  /** What happened, in a sentence. */
  meaning: string;
  /** What the caller (or the operator) can do. */
  action: string;
}

/**
 * The reference of every API error code: the source of `GET /docs/errors` and `docs/errors.md`.
 * An exhaustive `Record`, so a new code cannot ship undocumented.
 */
export const ERROR_CODE_DOCS: Record<ErrorCode, ErrorCodeDoc> = {
  internal_error: {
    meaning: 'The server failed in a way it did not expect; nothing was wrong with the request.',
    action:
      'Retry later. If it persists, report it with the `requestId` of the answer; the server logged the error under it.',
  },
  not_found: {
    meaning: 'There is no route for this method and path, or the thing asked for does not exist.',
    action: 'Check the path against the API reference (`/docs`).',
  },
  method_not_allowed: {
    meaning: 'The path exists but not with this HTTP method.',
    action: 'Use one of the methods listed in the `Allow` header.',
  },
  validation_failed: {
    meaning: 'The request is well-formed but a field is missing, of the wrong type or out of range.',
    action: 'Read `errors[]`: each entry names the field (`path`) and what is wrong with it. Fix and resend.',
  },
  invalid_json: {
    meaning: 'The body is not valid JSON.',
    action: 'Send a JSON object or array with `Content-Type: application/json`.',
  },
  payload_too_large: {
    meaning: 'The body is larger than the route accepts (`JSON_BODY_LIMIT` for JSON bodies).',
    action: 'Send a smaller body. Upload videos through the upload routes, not in JSON.',
  },
  unsupported_media_type: {
    meaning: 'The body has a content type this route does not read.',
    action:
      'Send `application/json` to JSON routes, `multipart/form-data` to `POST /v1/videos`, `application/offset+octet-stream` to tus PATCH.',
  },
  rate_limited: {
    meaning: 'Too many requests from this address, account or key in the current window.',
    action: 'Wait the number of seconds in `Retry-After`, then retry; slow down.',
  },
  service_unavailable: {
    meaning:
      'A dependency (database, Redis, storage or a build the server serves) is not available right now.',
    action: 'Retry after `Retry-After` seconds. Operators: check `/readyz` and the server log.',
  },
  storage_unavailable: {
    meaning:
      'The media store (the S3-compatible bucket or the storage folder) did not answer, refused the connection or failed on its side, after the driver’s retries and timeouts.',
    action:
      'Retry after `Retry-After` seconds; nothing was changed. Operators: check the store (`S3_ENDPOINT`) and the server log.',
  },
  unauthenticated: {
    meaning: 'The request carries no credentials, or a malformed `Authorization` header.',
    action: 'Send `Authorization: Bearer <access token or API key>`, or sign in so the cookies are set.',
  },
  token_invalid: {
    meaning: 'The access or refresh token is not one this server issued, was revoked, or is the wrong kind.',
    action: 'Sign in again to get a new pair of tokens.',
  },
  token_expired: {
    meaning: 'The access token is past its expiry (15 minutes after issue).',
    action: 'Call `POST /v1/auth/refresh` with the refresh token and retry with the new access token.',
  },
  invalid_credentials: {
    meaning: 'The email or the password is wrong.',
    action: 'Check both and retry; repeated failures are rate limited.',
  },
  refresh_token_reused: {
    meaning: 'A refresh token was used after it had been rotated, so the whole session family was revoked.',
    action: 'Sign in again. If you did not use the token twice, it may have leaked.',
  },
  account_disabled: {
    meaning: 'The user was deactivated by an admin of the organisation.',
    action: 'Ask an admin of the organisation to reactivate the account.',
  },
  api_key_invalid: {
    meaning: 'The API key is unknown, malformed or revoked, or the user who created it is gone.',
    action: 'Create a new key in the dashboard (Settings → API keys) and use it.',
  },
  forbidden: {
    meaning: 'The caller is authenticated but its role (or the key’s) is too low for this action.',
    action: 'Ask an admin for a higher role, or use a key made with one.',
  },
  csrf_failed: {
    meaning: 'A cookie-authenticated request without the CSRF proof, or from an origin that is not allowed.',
    action: 'Send the `X-CSRF-Token` header with the value of the CSRF cookie, from an allowed origin.',
  },
  email_taken: {
    meaning: 'An account with this email already exists.',
    action: 'Sign in instead, or use another email.',
  },
  last_admin: {
    meaning: 'The change would leave the organisation without an active admin.',
    action: 'Make another member admin first.',
  },
  invitation_pending: {
    meaning: 'The member has not accepted the invitation yet, so they cannot be activated.',
    action: 'Wait for them to accept, or send a new invitation.',
  },
  invite_invalid: {
    meaning: 'The invitation is unknown, already used or expired.',
    action: 'Ask an admin to send a new invitation.',
  },
  user_not_found: {
    meaning: 'No such user in the caller’s organisation.',
    action: 'Check the id; list the members with `GET /v1/users`.',
  },
  api_key_not_found: {
    meaning: 'No such API key in the caller’s organisation.',
    action: 'Check the id; list the keys with `GET /v1/api-keys`.',
  },
  playback_token_invalid: {
    meaning: 'The playback token is malformed, signed with an unknown key, or tampered with.',
    action:
      'Mint a new token (`POST /v1/videos/{id}/playback-tokens`, or your backend) and reload the player.',
  },
  playback_token_expired: {
    meaning: 'The playback token is past its expiry.',
    action: 'Mint a new token; the SDK does this by itself when given `getToken`.',
  },
  playback_video_mismatch: {
    meaning: 'The playback token was minted for another video.',
    action: 'Mint a token for this video.',
  },
  playback_origin_refused: {
    meaning: 'The page’s origin is not among the token’s origins or the organisation’s embed origins.',
    action:
      'Add the site’s origin to the organisation’s embed origins, or mint the token with it in `origins`.',
  },
  playback_path_invalid: {
    meaning: 'The playback URL does not name a file of a video.',
    action: 'Use the URLs of the playback descriptor (`GET /v1/videos/{id}/playback`) as they are.',
  },
  video_not_ready: {
    meaning: 'The video is still uploading or being transcoded, or it failed.',
    action:
      'Wait for `video:ready` (socket.io or webhook), or poll `GET /v1/videos/{id}` until `status` is `ready`.',
  },
  video_not_found: {
    meaning: 'No such video in the caller’s organisation (or the id is not a video id).',
    action: 'Check the id; list the videos with `GET /v1/videos`.',
  },
  upload_too_large: {
    meaning: 'The upload is larger than `MAX_UPLOAD_BYTES`, or a tus PATCH goes past `Upload-Length`.',
    action: 'Upload a smaller file, or ask the operator to raise `MAX_UPLOAD_BYTES`.',
  },
  upload_type_rejected: {
    meaning: 'The first bytes of the file are not a video container Reelkit accepts.',
    action: 'Upload MP4/MOV, MKV/WebM, MPEG-TS/PS or AVI; audio: M4A, MP3, WAV, FLAC or Ogg.',
  },
  caption_not_found: {
    meaning: 'The video has no caption with this id.',
    action: 'List the video’s captions with `GET /v1/videos/{id}/captions`.',
  },
  caption_format_rejected: {
    meaning: 'The caption file is binary, not UTF-8, or neither WebVTT nor SubRip.',
    action: 'Upload a UTF-8 WebVTT (`.vtt`) or SubRip (`.srt`) file.',
  },
  caption_invalid: {
    meaning: 'The caption file is WebVTT or SubRip but has a malformed or backwards cue timing, or no cues.',
    action: 'Fix the line named in the message (times are `hh:mm:ss.mmm`, each cue ends after it starts).',
  },
  audio_track_not_found: {
    meaning: 'The video has no audio track with this id (it was removed, or belongs to another video).',
    action: 'List the tracks with `GET /v1/videos/{id}/audio-tracks` and use an id from there.',
  },
  audio_track_from_source: {
    meaning:
      'The track is one of the uploaded source’s own audio streams; only dubs added later can be removed.',
    action: 'Upload the source again without that stream to drop it, or keep it and add dubs beside it.',
  },
  dub_no_audio: {
    meaning: 'The file sent as a dub has no audio stream ffprobe can read (a silent video, a damaged file).',
    action: 'Send an audio file (M4A, MP3, WAV, FLAC, Ogg) or a video with an audio stream.',
  },
  dub_length_mismatch: {
    meaning:
      'The dub does not last as long as the video: more than 1 s apart (or 2 % of a video longer than 50 s). The message gives both durations.',
    action:
      'Export the dub over the whole length of the video (pad silence at the ends), then upload it again.',
  },
  dub_audio_only_video: {
    meaning:
      'The video is audio-only: its HLS variants are its audio, so there is no audio group to add a track to.',
    action: 'Upload the other language as a video of its own.',
  },
  upload_incomplete: {
    meaning: 'The upload of this video has not finished, so its file cannot be read yet.',
    action: 'Finish the upload (resume it with tus), then retry.',
  },
  upload_offset_mismatch: {
    meaning: 'A tus PATCH was sent at another offset than the server has stored.',
    action: 'Send `HEAD` to the upload URL, read `Upload-Offset`, and resume from there.',
  },
  upload_expired: {
    meaning: 'The resumable upload received no bytes for `UPLOAD_EXPIRY_S` and was removed.',
    action: 'Start a new upload.',
  },
  tus_version_unsupported: {
    meaning: 'The request has no `Tus-Resumable: 1.0.0` header, or another version.',
    action: 'Use a tus 1.0 client (e.g. tus-js-client) or send `Tus-Resumable: 1.0.0`.',
  },
  storage_full: {
    meaning:
      'A volume is full (ENOSPC). As an API answer (507): the upload, or this tus chunk, was not kept and nothing half-written stays behind. As a video’s `error.code`: its processing hit a full storage or scratch volume; nothing half-written is published and the job is not retried in a loop.',
    action:
      'Uploads: retry after `Retry-After` seconds (a tus client resumes from `HEAD`). Videos: nothing to do, the server queues them again every `STORAGE_FULL_RETRY_S` and an admin can at once (`POST /v1/admin/queue/retry-storage-full`). Operators: free space.',
  },
  range_not_satisfiable: {
    meaning: 'No requested byte range starts inside the file.',
    action: 'Ask for a range within `Content-Range: bytes */<size>` of the answer.',
  },
  precondition_failed: {
    meaning:
      'The file is not the version named by `If-Match` (strong comparison) or changed after `If-Unmodified-Since`.',
    action: 'Fetch the file again without the condition, or with the `ETag` it answers with now.',
  },
  webhook_not_found: {
    meaning: 'No such webhook endpoint in the caller’s organisation.',
    action: 'Check the id; list the endpoints with `GET /v1/webhooks`.',
  },
  webhook_target_refused: {
    meaning: 'The webhook URL’s scheme, credentials or address is refused (e.g. a private network address).',
    action: 'Use a public `https` URL without credentials in it.',
  },
  webhook_secret_rotated_meanwhile: {
    meaning: 'Another rotation of the same endpoint’s signing secret won the race.',
    action: 'Read the endpoint again and rotate once more if you still need to.',
  },
};

/** The reference of every transcode failure code (a video's `error.code` when `status` is `failed`). */
export const TRANSCODE_ERROR_DOCS: Record<TranscodeErrorCode, ErrorCodeDoc> = {
  source_unreadable: {
    meaning: 'ffprobe could not read the file as media (no duration or frame size, damaged file).',
    action: 'Check that the file plays locally; re-export it and upload again.',
  },
  source_no_video: {
    meaning:
      'The file has neither a video stream (cover art does not count) nor an audio stream; a file with audio only becomes an audio asset.',
    action: 'Upload a file with a video or an audio track.',
  },
  source_too_long: {
    meaning: 'The video is longer than `MAX_DURATION_S`.',
    action: 'Trim it, or ask the operator to raise `MAX_DURATION_S`.',
  },
  source_too_large: {
    meaning: 'The frame is larger than `MAX_PIXELS` (width × height).',
    action: 'Scale it down, or ask the operator to raise `MAX_PIXELS`.',
  },
  source_fps_too_high: {
    meaning: 'The frame rate is above `MAX_FPS`.',
    action: 'Re-export at a lower frame rate, or ask the operator to raise `MAX_FPS`.',
  },
  source_format_rejected: {
    meaning:
      'The container is not on the allow-list (playlists, image sequences and concat files are refused).',
    action: 'Upload MP4/MOV, MKV/WebM, MPEG-TS/PS or AVI.',
  },
  transcode_timeout: {
    meaning: 'The job ran longer than `JOB_TIMEOUT_MS` and ffmpeg was stopped.',
    action: 'Upload a shorter or smaller file, or ask the operator to raise `JOB_TIMEOUT_MS`.',
  },
  storage_full: {
    meaning:
      'The storage or scratch volume filled up during processing (ENOSPC). Nothing half-written is published; the job is not retried in a loop.',
    action:
      'Nothing: the server retries such videos every `STORAGE_FULL_RETRY_S` once there is room, and an admin can retry at once (`POST /v1/admin/queue/retry-storage-full`). Operators: free space.',
  },
  cancelled: {
    meaning: 'The job was cancelled, e.g. because its video was deleted.',
    action: 'Nothing, unless that was not intended: upload again.',
  },
  transcode_failed: {
    meaning: 'ffmpeg failed for another reason (disk full, crash); the job was retried and gave up.',
    action: 'Upload again; operators: read the worker log for the job id (the video id).',
  },
};

/** Where the reference page of problem `type` URLs lives, relative to the API's public URL. */
export const ERROR_DOCS_PATH = '/docs/errors';

/** The problem `type` URL of a code: its anchor on the API's `/docs/errors` page. */
export function problemTypeUrl(publicUrl: string, code: ErrorCode): string {
  return `${publicUrl.replace(/\/+$/, '')}${ERROR_DOCS_PATH}#${code}`;
}
