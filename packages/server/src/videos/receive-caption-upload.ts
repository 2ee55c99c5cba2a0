import type { IncomingMessage } from 'node:http';
import { AppError } from '../http/app-error.js';
import { closeAfter, malformed, readMultipart } from './multipart-fields.js';

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
  const chunks: Buffer[] = [];
  try {
    const fields = await readMultipart(req, {
      limits: {
        fields: FIELDS_MAX,
        fieldSize: FIELD_MAX_BYTES,
        parts: FIELDS_MAX + 1,
        files: 1,
        fileSize: CAPTION_MAX_BYTES,
      },
      names: FIELD_NAMES,
      onFile(stream, _info, fail) {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () => fail(tooLarge()));
      },
    });
    return { bytes: Buffer.concat(chunks), fields };
  } catch (err) {
    // busboy's own errors: a malformed body ("Unexpected end of form", "Malformed part header", …).
    throw err instanceof AppError
      ? err
      : malformed('body', (err as Error).message || 'malformed multipart body');
  }
}

function tooLarge(): AppError {
  return new AppError('upload_too_large', `A caption file is at most ${CAPTION_MAX_BYTES} bytes`, {
    headers: closeAfter,
  });
}
