// What the multipart routes (video upload, caption upload) share around busboy: reading the body
// with one `file` part and stopping at once on any failure, the 400 for a malformed part, and the
// text fields read into one record with the same rules.
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AppError } from '../http/app-error.js';
import { onBodyGone } from '../http/on-body-gone.js';

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

/**
 * Reads a `multipart/form-data` body whose one file part is named `file`: text fields (any order)
 * into the record it resolves with, the file part's stream to `onFile`. A bad Content-Type, a stray
 * or second file part, a field `collectTextFields` refuses, a body without a file part, the client
 * gone, or `fail` called by the caller, stops parsing at once: the request is unpiped, the parser
 * destroyed, `onFail` runs (to destroy what the caller opened) and it rejects with that error
 * (busboy's own errors as they are) without waiting for the rest of the body.
 */
export async function readMultipart(
  req: IncomingMessage,
  options: {
    limits: busboy.Limits;
    names: ReadonlySet<string>;
    onFile: (stream: Readable, info: busboy.FileInfo, fail: (err: unknown) => void) => void;
    onFail?: (err: unknown) => void;
  },
): Promise<Record<string, string>> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { ...options.limits, headerPairs: 20 } });
  } catch (err) {
    throw malformed('content-type', (err as Error).message);
  }
  const fields: Record<string, string> = {};
  let sawFile = false;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.removeAllListeners();
      parser.on('error', () => undefined);
      parser.destroy();
      options.onFail?.(err);
      reject(err);
    };
    const unwatch = onBodyGone(req, () => fail(new AppError('validation_failed', 'The upload was aborted')));
    req.once('error', fail);
    parser.on('file', (name, stream, info) => {
      // busboy destroys an unfinished part's stream when it is destroyed: never an unhandled error.
      stream.on('error', fail);
      if (name !== 'file' || sawFile) {
        stream.resume();
        return fail(
          malformed(name, sawFile ? 'give it once' : 'unexpected file part (send one part named `file`)'),
        );
      }
      sawFile = true;
      options.onFile(stream, info, fail);
    });
    collectTextFields(parser, {
      names: options.names,
      fieldsMax: options.limits.fields ?? Infinity,
      fields,
      fail,
    });
    parser.on('error', fail);
    parser.on('close', () => {
      unwatch();
      if (settled) return;
      settled = true;
      resolve();
    });
    req.pipe(parser);
  });
  if (!sawFile) throw malformed('file', 'a `file` part is required');
  return fields;
}
