// What the two multipart routes (video upload, caption upload) share around busboy: the 400 for a
// malformed part, and the text fields read into one record with the same rules.
import type busboy from 'busboy';
import { AppError } from '../http/app-error.js';

/** Close the connection after an error answer, so the rest of a big body is not read for nothing. */
export const closeAfter = { Connection: 'close' };

/** 400 `validation_failed` naming the part, with the connection closed after the answer. */
export function malformed(path: string, message: string): AppError {
  return new AppError('validation_failed', `${path}: ${message}`, {
    errors: [{ path, message }],
    headers: closeAfter,
  });
}

/**
 * Reads the text fields named in `names` into `fields`, each at most once; an unknown, repeated or
 * truncated field, or more fields or parts than the parser's limits, goes to `fail`.
 */
export function collectTextFields(
  parser: busboy.Busboy,
  options: {
    names: ReadonlySet<string>;
    fieldsMax: number;
    fields: Record<string, string>;
    fail: (err: AppError) => void;
  },
): void {
  const { names, fieldsMax, fields, fail } = options;
  parser.on('field', (name, value, info) => {
    // busboy gives a part without a name (`name=""`) as undefined.
    if (!names.has(name)) return fail(malformed(name || '(unnamed part)', 'unknown field'));
    if (info.valueTruncated) return fail(malformed(name, 'too long'));
    if (name in fields) return fail(malformed(name, 'give it once'));
    fields[name] = value;
  });
  parser.on('fieldsLimit', () => fail(malformed('body', `at most ${fieldsMax} text fields`)));
  parser.on('partsLimit', () => fail(malformed('body', `at most ${fieldsMax + 1} parts`)));
  parser.on('filesLimit', () => fail(malformed('file', 'give it once')));
}
