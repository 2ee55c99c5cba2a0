import { ERROR_CODES, type ErrorCode } from '@reelkit/protocol';

export interface FieldError {
  path: string;
  message: string;
}

/** The one error type routes throw; the error handler turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    extra: { errors?: FieldError[]; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = extra.status ?? ERROR_CODES[code].status;
    if (extra.errors) this.errors = extra.errors;
    if (extra.headers) this.headers = extra.headers;
  }
}
