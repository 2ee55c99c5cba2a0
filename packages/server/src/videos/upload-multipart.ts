import type { Storage } from '@reelkit/storage';
import { videoKey } from '@reelkit/storage';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { asStorageAnswer } from '../http/storage-answers.js';
import { parseOr400 } from '../http/validate.js';
import { cleanFileName, uploadFields, type UploadFields } from './schemas.js';
import { UploadInspector } from './upload-inspector.js';
import type { SniffedContainer } from './sniff-container.js';
import { closeAfter, malformed, readMultipart } from './multipart-fields.js';

/** Multipart overhead (boundaries, part headers, text fields) allowed on top of the file itself. */
const MULTIPART_SLACK = 256 * 1024;
/** Text fields: at most this many, each at most this long (a description is ≤ 5000 characters). */
const FIELDS_MAX = 10;
const FIELD_MAX_BYTES = 32 * 1024;
const FIELD_NAMES = new Set(['title', 'description', 'visibility']);

export interface ReceivedUpload {
  key: string;
  size: number;
  sha256: string;
  type: SniffedContainer;
  originalName: string | undefined;
  fields: UploadFields;
}

function withClose(err: unknown): AppError {
  if (err instanceof AppError) {
    return new AppError(err.code, err.message, {
      headers: { ...err.headers, ...closeAfter },
      ...(err.errors ? { errors: err.errors } : {}),
    });
  }
  // The store is full (507) or not answering (503): not the client's fault.
  const stored = asStorageAnswer(err);
  if (stored) return withClose(stored);
  // busboy's own errors: a malformed body ("Unexpected end of form", "Malformed part header", …).
  return malformed('body', (err as Error).message || 'malformed multipart body');
}

/**
 * Streams the `file` part of a `multipart/form-data` request to `<org>/<video>/source` through the
 * inspector (sniff, size cap, sha256): at no point is the file held in memory. Text fields
 * (title, description, visibility) may come before or after the file. A part with a `filename` is
 * a file whatever its Content-Type, as RFC 7578 §4.2/§4.4 say (Python `requests` sends none).
 *
 * On any failure — a second file, a stray part, too many or too long fields, too big, not a video,
 * a malformed body, the client gone — parsing stops at once: the request is unpiped, every stream
 * this opened is destroyed, the stored bytes (temp file included) are removed, and then this
 * rejects, without waiting for the rest of the body (the answer closes the connection).
 */
export async function receiveMultipart(
  req: IncomingMessage,
  options: { storage: Storage; orgId: Types.ObjectId; videoId: Types.ObjectId; maxBytes: number },
): Promise<ReceivedUpload> {
  const { storage, maxBytes } = options;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_SLACK) throw tooLarge(maxBytes);

  const key = videoKey(options.orgId.toHexString(), options.videoId.toHexString(), 'source');
  let inspector: UploadInspector | undefined;
  let fileStream: Readable | undefined;
  let write: Promise<{ size: number }> | undefined;
  let originalName: string | undefined;

  const outcome = readMultipart(req, {
    limits: {
      fields: FIELDS_MAX,
      fieldSize: FIELD_MAX_BYTES,
      parts: FIELDS_MAX + 1,
      // No `fileSize`: the inspector enforces the cap (busboy's limit event cannot stop it safely).
    },
    names: FIELD_NAMES,
    onFile(stream, info, fail) {
      fileStream = stream;
      originalName = cleanFileName(info.filename);
      inspector = new UploadInspector({ maxBytes, sniff: true, endIsFinal: true, hash: true });
      inspector.on('error', fail);
      write = storage.write(key, stream.pipe(inspector));
      write.catch(fail);
    },
    onFail(err) {
      fileStream?.destroy();
      // Fails the storage write, which removes its temp file.
      inspector?.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  });

  try {
    const parsed = parseOr400(uploadFields, await outcome, 'form fields');
    if (!write || !inspector) throw malformed('file', 'a `file` part is required');
    const { size } = await write;
    if (!inspector.type) throw new AppError('upload_type_rejected');
    return { key, size, sha256: inspector.sha256, type: inspector.type, originalName, fields: parsed };
  } catch (err) {
    await write?.catch(() => undefined); // let the storage write settle (it removes its temp file)
    await storage.deletePrefix(key.slice(0, key.lastIndexOf('/') + 1));
    throw withClose(err);
  }
}

function tooLarge(max: number): AppError {
  return new AppError('upload_too_large', `The upload exceeds ${max} bytes`, { headers: closeAfter });
}
