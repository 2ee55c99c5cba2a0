import {
  isErrorCode,
  isTranscodeErrorCode,
  type ErrorCode,
  type ProblemDetails,
  type TranscodeErrorCode,
} from '@reelkit/protocol';

/**
 * Codes the SDK itself reports, for failures that never reached the API or happened in the
 * browser, as data (like hls.js's `ErrorDetails`): code → what it means.
 */
export const SDK_ERROR_CODES = {
  network_error: 'The request got no HTTP answer (offline, DNS, CORS, connection cut).',
  aborted: "The caller's AbortSignal fired.",
  invalid_response: 'The API answered something the SDK cannot read.',
  media_error: 'The browser could not decode the media.',
  playback_unsupported: "This browser can play none of the video's sources.",
  realtime_error: 'The realtime connection was refused or lost.',
} as const satisfies Record<string, string>;

/** One of {@link SDK_ERROR_CODES}. */
export type SdkErrorCode = keyof typeof SDK_ERROR_CODES;

/**
 * Every code a {@link ReelkitError} can carry: the API's codes (`@reelkit/protocol`'s `ERROR_CODES`),
 * the transcoder's failure codes (for a video whose processing failed) and {@link SdkErrorCode}.
 * A newer server may send a code this version does not list; treat unknown codes by `status`.
 */
export type ReelkitErrorCode = ErrorCode | TranscodeErrorCode | SdkErrorCode;

/** Type guard for {@link ReelkitErrorCode}: true for every code this version of the SDK knows. */
export function isReelkitErrorCode(value: unknown): value is ReelkitErrorCode {
  return (
    isErrorCode(value) ||
    isTranscodeErrorCode(value) ||
    (typeof value === 'string' && Object.hasOwn(SDK_ERROR_CODES, value))
  );
}

/** Fallback codes for error answers that carry no problem+json body. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'upload_offset_mismatch';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 400 && status < 500) return 'validation_failed';
  return 'internal_error';
}

/**
 * Every error the SDK reports: the API's stable `code` (see the API's error codes) plus the HTTP
 * status, so callers branch on `err.code`, never on message text.
 *
 * @example
 * ```ts
 * try {
 *   await client.videos.get(id);
 * } catch (err) {
 *   if (err instanceof ReelkitError && err.code === 'video_not_found') showNotFound();
 *   else throw err;
 * }
 * ```
 */
export class ReelkitError extends Error {
  /** The API's machine-readable code, or an SDK-side code such as `network_error`. */
  readonly code: ReelkitErrorCode;
  /** HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  /** Field-level validation errors, when the API sent any. */
  readonly errors: ProblemDetails['errors'];
  /** The API's request id, to quote when reporting a problem. */
  readonly requestId: string | undefined;

  /**
   * @param code - stable machine-readable code
   * @param message - human-readable detail
   * @param status - HTTP status, 0 when there was none
   * @param errors - field-level validation errors
   * @param options - `cause` (the underlying error) and `requestId`
   */
  constructor(
    code: ReelkitErrorCode,
    message: string,
    status = 0,
    errors?: ProblemDetails['errors'],
    options: { cause?: unknown; requestId?: string | undefined } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReelkitError';
    this.code = code;
    this.status = status;
    this.errors = errors;
    this.requestId = options.requestId;
  }

  /** Builds the error from a problem+json body. */
  static fromProblem(problem: ProblemDetails): ReelkitError {
    return new ReelkitError(problem.code, problem.detail ?? problem.title, problem.status, problem.errors, {
      requestId: problem.requestId,
    });
  }

  /**
   * Builds the error from a failed HTTP response: its problem+json body when it has one, otherwise
   * a code derived from the status. Reads the body.
   */
  static async fromResponse(res: Response): Promise<ReelkitError> {
    let body: unknown;
    try {
      body = JSON.parse(await res.text());
    } catch {
      body = undefined;
    }
    const problem = body as Partial<ProblemDetails> | undefined;
    // A code this version does not know (a newer server) is classified by status, so `code` is
    // always one of the union's members.
    if (problem && typeof problem === 'object' && isErrorCode(problem.code)) {
      return ReelkitError.fromProblem({
        type: problem.type ?? 'about:blank',
        title: problem.title ?? res.statusText,
        status: typeof problem.status === 'number' ? problem.status : res.status,
        code: problem.code,
        ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
        ...(problem.errors !== undefined ? { errors: problem.errors } : {}),
        ...(problem.requestId !== undefined ? { requestId: problem.requestId } : {}),
      });
    }
    const detail = problem && typeof problem === 'object' ? problem.detail : undefined;
    return new ReelkitError(
      codeForStatus(res.status),
      typeof detail === 'string' ? detail : `HTTP ${res.status} ${res.statusText}`.trim(),
      res.status,
    );
  }

  /**
   * Wraps anything thrown by `fetch` or user code: an abort becomes `aborted`, a `ReelkitError` is
   * kept, anything else becomes `network_error`.
   */
  static from(err: unknown, signal?: AbortSignal): ReelkitError {
    if (err instanceof ReelkitError) return err;
    if (signal?.aborted || (err as { name?: string } | null)?.name === 'AbortError') {
      return new ReelkitError('aborted', 'The operation was aborted', 0, undefined, { cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new ReelkitError('network_error', message || 'Network error', 0, undefined, { cause: err });
  }
}

/** True for errors worth retrying: no answer, 408, 429 and 5xx (except 501). */
export function isRetryable(err: ReelkitError): boolean {
  if (err.code === 'aborted') return false;
  if (err.status === 0) return err.code === 'network_error';
  return err.status === 408 || err.status === 429 || (err.status >= 500 && err.status !== 501);
}
