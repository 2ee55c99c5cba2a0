import type { Storage } from '@reelkit/storage';
import { videoKey } from '@reelkit/storage';
import formidable, { errors as formidableErrors } from 'formidable';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import type { Types } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { parseOr400 } from '../http/validate.js';
import { cleanFileName, uploadFields, type UploadFields } from './schemas.js';
import { UploadInspector } from './upload-inspector.js';
import type { SniffedContainer } from './sniff-container.js';

/** Multipart overhead (boundaries, part headers, text fields) allowed on top of the file itself. */
const MULTIPART_SLACK = 256 * 1024;
const FIELDS_MAX_BYTES = 64 * 1024;

export interface ReceivedUpload {
  key: string;
  size: number;
  sha256: string;
  type: SniffedContainer;
  originalName: string | undefined;
  fields: UploadFields;
}

/** Close the connection after an error answer, so the rest of a big body is not read for nothing. */
const closeAfter = { Connection: 'close' };

function tooLarge(max: number): AppError {
  return new AppError('upload_too_large', `The upload exceeds ${max} bytes`, { headers: closeAfter });
}

function toAppError(err: unknown, max: number): unknown {
  if (err instanceof AppError) {
    return new AppError(err.code, err.message, { headers: { ...err.headers, ...closeAfter } });
  }
  const e = err as { code?: number; httpCode?: number; message?: string };
  if (
    e.code === formidableErrors.biggerThanMaxFileSize ||
    e.code === formidableErrors.biggerThanTotalMaxFileSize
  )
    return tooLarge(max);
  if (e.code === formidableErrors.aborted) return new AppError('validation_failed', 'The upload was aborted');
  if (typeof e.httpCode === 'number' && e.httpCode >= 400 && e.httpCode < 500) {
    return new AppError('validation_failed', e.message ?? 'Malformed multipart body', {
      headers: closeAfter,
    });
  }
  return err;
}

type WriteCallback = (err?: Error | null) => void;

/**
 * formidable pauses the request before each write to the file stream and resumes it in that
 * write's callback, however much is still queued behind it. When the disk is slower than the
 * client, each resume lets in a little more than one chunk, and the queue grows with the file
 * (measured: +650 MiB of RSS for a 2 GiB upload). This holds the callback of a write that hit the
 * high-water mark until the stream drains, so the request stays paused while the queue is full.
 */
export function callbacksAfterDrain<T extends Writable>(stream: T): T {
  const write = stream.write.bind(stream) as (chunk: unknown, cb: WriteCallback) => boolean;
  let held: WriteCallback[] = [];
  stream.on('drain', () => {
    const release = held;
    held = [];
    for (const cb of release) cb();
  });
  stream.write = ((chunk: unknown, encodingOrCb?: unknown, maybeCb?: unknown): boolean => {
    const cb = (typeof encodingOrCb === 'function' ? encodingOrCb : maybeCb) as WriteCallback | undefined;
    let full = false;
    full = !write(chunk, (err) => {
      if (err || !full || !stream.writableNeedDrain) cb?.(err);
      else if (cb) held.push(cb);
    });
    return !full;
  }) as T['write'];
  return stream;
}

/**
 * Streams the `file` part of a `multipart/form-data` request to `<org>/<video>/source` through the
 * inspector (sniff, size cap, sha256): at no point is the file held in memory. Text fields
 * (title, description, visibility) may come before or after the file. On any failure — too big,
 * not a video, invalid fields, client gone — the stored bytes are removed before this rejects.
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
  let write: Promise<{ size: number }> | undefined;
  let originalName: string | undefined;
  const form = formidable({
    maxFiles: 1,
    // The inspector enforces the cap precisely; formidable's own check is a second line.
    maxFileSize: maxBytes + 1,
    maxTotalFileSize: maxBytes + 1,
    allowEmptyFiles: true,
    minFileSize: 0,
    maxFields: 10,
    maxFieldsSize: FIELDS_MAX_BYTES,
    filter: (part) => part.name === 'file',
    fileWriteStreamHandler: (file) => {
      originalName = cleanFileName(
        (file as unknown as { originalFilename?: string | null }).originalFilename,
      );
      inspector = new UploadInspector({ maxBytes, sniff: true, endIsFinal: true, hash: true });
      write = storage.write(key, inspector);
      write.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
      return callbacksAfterDrain(inspector);
    },
  });

  try {
    const [rawFields] = await form.parse(req);
    const single: Record<string, string> = {};
    for (const [name, values] of Object.entries(rawFields)) {
      if (!values || values.length !== 1 || values[0] === undefined)
        throw new AppError('validation_failed', `${name}: give it once`, {
          errors: [{ path: name, message: 'give it once' }],
        });
      single[name] = values[0];
    }
    const fields = parseOr400(uploadFields, single, 'form fields');
    if (!write || !inspector) {
      throw new AppError('validation_failed', 'file: a `file` part is required', {
        errors: [{ path: 'file', message: 'required' }],
      });
    }
    const { size } = await write;
    if (!inspector.type) throw new AppError('upload_type_rejected');
    return { key, size, sha256: inspector.sha256, type: inspector.type, originalName, fields };
  } catch (err) {
    await write?.catch(() => undefined); // let the storage write settle (it removes its temp file)
    await storage.deletePrefix(key.slice(0, key.lastIndexOf('/') + 1));
    throw toAppError(err, maxBytes);
  }
}
