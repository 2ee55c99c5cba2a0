import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../http/app-error.js';
import { closeAfter, collectTextFields, malformed } from './multipart-fields.js';

/** Largest caption file accepted: a feature film's subtitles are ~100 KB. */
export const CAPTION_MAX_BYTES = 1024 * 1024;
const FIELD_NAMES = new Set(['language', 'label', 'kind', 'default']);
const FIELD_MAX_BYTES = 1024;
const FIELDS_MAX = 8;

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
        fields: FIELDS_MAX,
        fieldSize: FIELD_MAX_BYTES,
        parts: FIELDS_MAX + 1,
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
    collectTextFields(parser, { names: FIELD_NAMES, fieldsMax: FIELDS_MAX, fields, fail });
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
