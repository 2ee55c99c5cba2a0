import {
  ERROR_CODES,
  ERROR_CODE_DOCS,
  TRANSCODE_ERROR_CODES,
  TRANSCODE_ERROR_DOCS,
  type ErrorCode,
  type TranscodeErrorCode,
} from '@reelkit/protocol';

/** One documented code: the anchor of its problem `type` URL is `code`. */
export interface ErrorReferenceRow {
  code: ErrorCode | TranscodeErrorCode;
  /** The HTTP status of API errors; undefined for transcode failures. */
  status?: number;
  /** For transcode failures: whether the job fails without retries. */
  permanent?: boolean;
  title: string;
  meaning: string;
  action: string;
}

export interface ErrorReferenceSection {
  id: string;
  heading: string;
  intro: string;
  rows: ErrorReferenceRow[];
}

/**
 * The error reference as data, from protocol's code lists and their docs, in the lists' order:
 * what `GET /docs/errors` and `docs/errors.md` both render.
 */
export function errorReference(): ErrorReferenceSection[] {
  const api = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => ({
    code,
    status: ERROR_CODES[code].status,
    title: ERROR_CODES[code].title,
    ...ERROR_CODE_DOCS[code],
  }));
  // A code that is both (`storage_full`: an upload or a transcode on a full volume) has one
  // anchor, among the API errors, whose docs cover both.
  const transcode = (Object.keys(TRANSCODE_ERROR_CODES) as TranscodeErrorCode[])
    .filter((code) => !Object.hasOwn(ERROR_CODES, code))
    .map((code) => ({
      code,
      permanent: TRANSCODE_ERROR_CODES[code].permanent,
      title: TRANSCODE_ERROR_CODES[code].title,
      ...TRANSCODE_ERROR_DOCS[code],
    }));
  return [
    {
      id: 'api-errors',
      heading: 'API errors',
      intro:
        'Every error answer is `application/problem+json` (RFC 9457) with a stable `code`; its `type` is this page’s URL with the code as anchor. The SDK throws them as `ReelkitError` with the same `code`.',
      rows: api,
    },
    {
      id: 'transcode-failures',
      heading: 'Transcode failures',
      intro:
        'A video whose transcode failed has `status: "failed"` and one of these codes in `error.code`; `video:failed` events and webhooks carry the same. Permanent failures are not retried.',
      rows: transcode,
    },
  ];
}
