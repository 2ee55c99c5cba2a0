import type { Logger } from 'pino';
import { formatTranscodeFailure, TRANSCODE_ERROR_CODES, type TranscodeErrorCode } from '@reelkit/protocol';
import { describeFfmpegError } from './describe-ffmpeg-error.js';
import { FfmpegError } from './run-ffmpeg.js';

/**
 * A job failure with a {@link TranscodeErrorCode}; its message is `<code>: <sentence>` (the code's
 * sentence and `detail`, which must name no path, key or address), which BullMQ keeps as the job's
 * `failedReason` and the server shows users.
 */
export class TranscodeJobError extends Error {
  readonly code: TranscodeErrorCode;
  /** No retry can help (bad input, timeout, cancelled). */
  readonly permanent: boolean;

  constructor(code: TranscodeErrorCode, detail?: string) {
    super(formatTranscodeFailure(code, detail));
    this.name = 'TranscodeJobError';
    this.code = code;
    this.permanent = TRANSCODE_ERROR_CODES[code].permanent;
  }
}

/**
 * What a job fails with after `err`: the signal's {@link TranscodeJobError} when it was aborted
 * with one, an ffmpeg failure as its code (the raw words, which name paths, go to the log only),
 * anything else as it is.
 */
export function jobFailureOf(err: unknown, signal: AbortSignal, logger: Logger): unknown {
  if (signal.aborted && signal.reason instanceof TranscodeJobError) return signal.reason;
  if (err instanceof FfmpegError) {
    logger.warn({ err: err.message }, 'ffmpeg failed');
    const { code, detail } = describeFfmpegError(err.stderr);
    return new TranscodeJobError(code, detail);
  }
  return err;
}
