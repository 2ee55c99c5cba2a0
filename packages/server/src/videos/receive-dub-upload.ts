// The upload of a dub (`POST /v1/videos/:id/audio-tracks`): the file goes to a temp file of the
// request, not to storage, because it must be probed (has it audio, does it last as long as the
// video?) before anything is kept. The temp file is the caller's to remove (`dispose`).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../http/app-error.js';
import { closeAfter, malformed, readMultipart } from './multipart-fields.js';
import { UploadInspector } from './upload-inspector.js';

const FIELD_NAMES = new Set(['language', 'label']);
const FIELD_MAX_BYTES = 1024;
const FIELDS_MAX = 4;
/** Multipart overhead (boundaries, part headers, text fields) allowed on top of the file itself. */
const MULTIPART_SLACK = 64 * 1024;

export interface ReceivedDub {
  /** The temp file holding the upload. */
  path: string;
  size: number;
  fields: Record<string, string>;
  /** Removes the temp file and its folder. */
  dispose(): Promise<void>;
}

/**
 * Streams the `file` part through the inspector (magic bytes sniffed against the media allow-list,
 * `maxBytes` cap) into a temp file, and reads the text fields. On any failure parsing stops at
 * once, the temp folder is removed, and this rejects with an `AppError` (the answer closes the
 * connection): nothing of a refused upload stays.
 */
export async function receiveDubUpload(req: IncomingMessage, maxBytes: number): Promise<ReceivedDub> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_SLACK) throw tooLarge(maxBytes);
  const dir = await mkdtemp(join(tmpdir(), 'reelkit-dub-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'upload');
  let inspector: UploadInspector | undefined;
  let fileStream: Readable | undefined;
  let written: Promise<void> | undefined;
  try {
    const fields = await readMultipart(req, {
      limits: { fields: FIELDS_MAX, fieldSize: FIELD_MAX_BYTES, parts: FIELDS_MAX + 1 },
      names: FIELD_NAMES,
      onFile(stream, _info, fail) {
        fileStream = stream;
        inspector = new UploadInspector({ maxBytes, sniff: true, endIsFinal: true, hash: false });
        written = pipeline(stream, inspector, createWriteStream(path));
        written.catch(fail);
      },
      onFail(err) {
        fileStream?.destroy();
        inspector?.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    });
    await written;
    if (!inspector?.type) throw new AppError('upload_type_rejected');
    return { path, size: inspector.size, fields, dispose };
  } catch (err) {
    await written?.catch(() => undefined);
    await dispose();
    if (err instanceof AppError)
      throw new AppError(err.code, err.message, {
        headers: { ...err.headers, ...closeAfter },
        ...(err.errors ? { errors: err.errors } : {}),
      });
    // busboy's own errors: a malformed body ("Unexpected end of form", "Malformed part header", …).
    throw malformed('body', (err as Error).message || 'malformed multipart body');
  }
}

function tooLarge(max: number): AppError {
  return new AppError('upload_too_large', `The upload exceeds ${max} bytes`, { headers: closeAfter });
}
