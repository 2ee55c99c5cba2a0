import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../http/app-error.js';

/** Largest caption file accepted: a feature film's subtitles are ~100 KB. */
export const CAPTION_MAX_BYTES = 1024 * 1024;
const FIELD_NAMES = new Set(['language', 'label', 'kind', 'default']);
const FIELD_MAX_BYTES = 1024;

/** Close the connection after an error answer, so the rest of a big body is not read for nothing. */
const closeAfter = { Connection: 'close' };

function malformed(path: string, message: string): AppError {
  return new AppError('validation_failed', `${path}: ${message}`, {
    errors: [{ path, message }],
    headers: closeAfter,
  });
}

/**
 * Reads a caption upload (`multipart/form-data`: one `file` part and text fields) into memory:
 * a caption is small and capped at {@link CAPTION_MAX_BYTES}, and it must be parsed whole anyway,
 * so nothing touches storage or a temp file until it has been checked. On any failure the
 * request is unpiped and the parser destroyed at once; the answer closes the connection.
 */
export async function receiveCaptionUpload(
  req: IncomingMessage,
): Promise<{ bytes: Buffer; fields: Record<string, string> }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > CAPTION_MAX_BYTES + 64 * 1024) throw tooLarge();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        fields: 8,
        fieldSize: FIELD_MAX_BYTES,
        parts: 9,
        files: 1,
        fileSize: CAPTION_MAX_BYTES,
        headerPairs: 20,
      },
    });
  } catch (err) {
    throw malformed('content-type', (err as Error).message);
  }
  const fields: Record<string, string> = {};
  const chunks: Buffer[] = [];
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
      reject(
        err instanceof AppError
          ? err
          : malformed('body', (err as Error).message || 'malformed multipart body'),
      );
    };
    const onClose = () => {
      if (!req.complete) fail(new AppError('validation_failed', 'The upload was aborted'));
    };
    req.once('close', onClose);
    req.once('error', fail);
    parser.on('file', (name, stream) => {
      stream.on('error', fail);
      if (name !== 'file' || sawFile) {
        stream.resume();
        return fail(
          malformed(name, sawFile ? 'give it once' : 'unexpected file part (send one part named `file`)'),
        );
      }
      sawFile = true;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge()));
    });
    parser.on('field', (name, value, info) => {
      if (!FIELD_NAMES.has(name)) return fail(malformed(name || '(unnamed part)', 'unknown field'));
      if (info.valueTruncated) return fail(malformed(name, 'too long'));
      if (name in fields) return fail(malformed(name, 'give it once'));
      fields[name] = value;
    });
    parser.on('fieldsLimit', () => fail(malformed('body', 'too many fields')));
    parser.on('partsLimit', () => fail(malformed('body', 'too many parts')));
    parser.on('filesLimit', () => fail(malformed('file', 'give it once')));
    parser.on('error', fail);
    parser.on('close', () => {
      req.off('close', onClose);
      if (settled) return;
      settled = true;
      resolve();
    });
    req.pipe(parser);
  });
  if (!sawFile) throw malformed('file', 'a `file` part is required');
  return { bytes: Buffer.concat(chunks), fields };
}

function tooLarge(): AppError {
  return new AppError('upload_too_large', `A caption file is at most ${CAPTION_MAX_BYTES} bytes`, {
    headers: closeAfter,
  });
}
