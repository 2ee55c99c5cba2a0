import { isTranscodeErrorCode, type TranscodeErrorCode } from './code-names.js';

export type { TranscodeErrorCode } from './code-names.js';

/**
 * Why a `transcode` job failed, by stable machine-readable code, with the sentence users read
 * (`message`). The worker fails a job with an error whose message is `<code>: <sentence>`; BullMQ stores that message as the job's
 * `failedReason`, so the server reads it back with {@link parseTranscodeFailure} (from a `failed`
 * QueueEvents event, `job.failedReason`, or `Queue.getJob(id)`), even when no server was up when the
 * job failed. Codes marked `permanent` are thrown as BullMQ `UnrecoverableError`: no retries.
 */
export const TRANSCODE_ERROR_CODES = {
  source_unreadable: {
    permanent: true,
    title: 'ffprobe could not read the file as media',
    message: 'The file is incomplete or damaged',
  },
  source_no_video: {
    permanent: true,
    title: 'The file has neither a video nor an audio stream',
    message: 'The file has nothing playable in it (no video, no audio)',
  },
  source_too_long: {
    permanent: true,
    title: 'The video is longer than MAX_DURATION_S',
    message: 'The video is longer than this server accepts',
  },
  source_too_large: {
    permanent: true,
    title: 'The frame is larger than MAX_PIXELS',
    message: 'The picture is larger than this server accepts',
  },
  source_fps_too_high: {
    permanent: true,
    title: 'The frame rate is above MAX_FPS',
    message: 'The frame rate is higher than this server accepts',
  },
  source_format_rejected: {
    permanent: true,
    title:
      'The container is not one we accept (mp4/mov, mkv/webm, mpeg-ts, mpeg-ps, avi; m4a, mp3, wav, flac, ogg)',
    message:
      'The file is not in a format we accept (MP4/MOV, MKV/WebM, MPEG-TS, MPEG-PS or AVI; audio: M4A, MP3, WAV, FLAC or Ogg)',
  },
  transcode_timeout: {
    permanent: true,
    title: 'The job ran longer than JOB_TIMEOUT_MS',
    message: 'Processing took longer than this server allows',
  },
  storage_full: {
    permanent: true,
    title: 'The storage or scratch volume was full (ENOSPC); retried once there is room or on demand',
    message: 'The server ran out of storage space while processing; it will try again',
  },
  cancelled: {
    permanent: true,
    title: 'The job was cancelled (e.g. its video was deleted)',
    message: 'Processing was cancelled',
  },
  transcode_failed: {
    permanent: false,
    title: 'ffmpeg failed; the job is retried',
    message: 'The video could not be converted',
  },
} as const satisfies Record<TranscodeErrorCode, { permanent: boolean; title: string; message: string }>;

/** A failure read back from a job. */
export interface TranscodeFailure {
  code: TranscodeErrorCode;
  message: string;
}

/**
 * The sentence a user reads for a failure: the code's `message`, then the detail in parentheses,
 * e.g. "The file is incomplete or damaged (moov atom not found)." The detail must already be free
 * of paths, storage keys and addresses (the worker cleans ffmpeg's words before they get here).
 */
export function describeTranscodeFailure(code: TranscodeErrorCode, detail?: string): string {
  const d = (detail ?? '').replace(/\s+/g, ' ').trim();
  return `${TRANSCODE_ERROR_CODES[code].message}${d ? ` (${d})` : ''}.`;
}

/** The error message the worker fails a job with: `<code>: <sentence>` on one line. */
export function formatTranscodeFailure(code: TranscodeErrorCode, detail?: string): string {
  return `${code}: ${describeTranscodeFailure(code, detail)}`;
}

/**
 * Reads a job's `failedReason` back into a code and a message. Reasons that do not start with a
 * known code (BullMQ's own, such as "job stalled more than allowable limit", or an unexpected
 * exception, whose words may name paths) come back as `transcode_failed` with its stock sentence.
 */
export function parseTranscodeFailure(failedReason: string | null | undefined): TranscodeFailure {
  const reason = (failedReason ?? '').trim();
  const match = /^([a-z_]+): ?(.*)$/s.exec(reason);
  if (match && isTranscodeErrorCode(match[1])) return { code: match[1], message: match[2] ?? '' };
  return { code: 'transcode_failed', message: describeTranscodeFailure('transcode_failed') };
}
