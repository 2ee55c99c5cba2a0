import type { ErrorCode, ProblemDetails } from '@reelkit/protocol';

/**
 * Every error the SDK reports: the API's stable `code` (see the API's error codes) plus the HTTP
 * status, so callers branch on `err.code`, never on message text.
 */
export class ReelkitError extends Error {
  /** The API's machine-readable code, or an SDK-side code such as `network_error`. */
  readonly code: ErrorCode | 'network_error' | 'aborted';
  /** HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  /** Field-level validation errors, when the API sent any. */
  readonly errors: ProblemDetails['errors'];

  constructor(code: ReelkitError['code'], message: string, status = 0, errors?: ProblemDetails['errors']) {
    super(message);
    this.name = 'ReelkitError';
    this.code = code;
    this.status = status;
    this.errors = errors;
  }

  /** Builds the error from a problem+json body. */
  static fromProblem(problem: ProblemDetails): ReelkitError {
    return new ReelkitError(problem.code, problem.detail ?? problem.title, problem.status, problem.errors);
  }
}
