import type { HeaderSpec } from '../http/define-route.js';

/**
 * How a stored file is served (`sendStoredFile`), for the API docs of every route that streams
 * one: RFC 9110 ranges and conditional requests.
 */

/** Request headers of a ranged, conditional GET. */
export const RANGE_HEADERS: readonly HeaderSpec[] = [
  { name: 'Range', required: false, description: 'One byte range, e.g. `bytes=0-1023` (RFC 9110).' },
  {
    name: 'If-Range',
    required: false,
    description: 'An ETag or HTTP date: the range applies only while the file is that version.',
  },
  {
    name: 'If-Match',
    required: false,
    description: 'ETags (strong comparison) or `*`: 412 unless the file is one of them.',
  },
  {
    name: 'If-Unmodified-Since',
    required: false,
    description: 'An HTTP date: 412 when the file changed after it.',
  },
  { name: 'If-None-Match', required: false, description: 'ETags the client has: 304 when one matches.' },
  { name: 'If-Modified-Since', required: false, description: 'An HTTP date: 304 when not modified since.' },
];

/** Answers of a ranged, conditional GET besides 200. */
export const FILE_ANSWERS: Readonly<Record<number, string>> = {
  206: 'Partial content: the requested range (`Content-Range` says which).',
  304: 'Not modified: the client’s copy (`If-None-Match` / `If-Modified-Since`) is current.',
  412: 'A precondition failed (`precondition_failed`): `If-Match` or `If-Unmodified-Since` is false.',
  416: 'The range lies beyond the end of the file (`range_not_satisfiable`; `Content-Range: bytes */size`).',
};

/** Headers of a streamed file. */
export const FILE_HEADERS: Readonly<Record<string, string>> = {
  'Accept-Ranges': '`bytes`.',
  ETag: 'Strong validator of this version of the file.',
  'Last-Modified': 'When the file was written.',
  'Content-Range': 'On 206: the range sent, `bytes start-end/size`.',
};
