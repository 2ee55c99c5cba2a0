import type { Storage } from '@reelkit/storage';
import type { Context } from 'koa';
import { AppError } from '../http/app-error.js';
import { evaluatePreconditions, httpDate, ifRangeAllows } from './conditional-request.js';
import { contentRange, parseRange, unsatisfiedContentRange } from './parse-range.js';
import type { StoredFile, Video } from './video-model.js';

/** Browsers may reuse a file for a minute without asking; after that they revalidate (304). */
export const FILE_CACHE_CONTROL = 'private, max-age=60';

/** The file `/file` serves: the progressive MP4 rendition once it exists, the original until then. */
export function playableFile(video: Pick<Video, 'mp4' | 'source'>): StoredFile | undefined {
  return video.mp4?.key ? video.mp4 : video.source;
}

/**
 * Answers GET/HEAD of a stored file with RFC 9110 range and conditional semantics: `If-Match` /
 * `If-Unmodified-Since` (412), then `If-None-Match` / `If-Modified-Since` (304), then `Range` with
 * `If-Range` (206, 416) for GET only. Everything it needs (size, entity tag, date, type) comes from
 * the caller: no stat per request.
 *
 * When the storage can open objects for sending (`openReader`, the local driver), the bytes go
 * straight to the socket through pooled 1 MiB buffers and a cached descriptor, and this resolves
 * once they are sent; Koa is told not to respond (every header is set before the first byte).
 * Otherwise the body is the storage read stream (1 MiB reads), piped by Koa. Either way the read
 * stops when the client goes away.
 */
export async function sendStoredFile(
  ctx: Context,
  storage: Storage,
  file: StoredFile,
  options: { cacheControl?: string } = {},
): Promise<void> {
  const validators = { etag: file.etag, lastModified: file.lastModified };
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('ETag', file.etag);
  ctx.set('Last-Modified', httpDate(file.lastModified));
  ctx.set('Cache-Control', options.cacheControl ?? FILE_CACHE_CONTROL);

  const precondition = evaluatePreconditions(
    {
      ifMatch: ctx.get('If-Match'),
      ifUnmodifiedSince: ctx.get('If-Unmodified-Since'),
      ifNoneMatch: ctx.get('If-None-Match'),
      ifModifiedSince: ctx.get('If-Modified-Since'),
    },
    validators,
  );
  if (precondition === 'precondition_failed') {
    throw new AppError('precondition_failed', 'The file is not the version the request is conditional on');
  }
  if (precondition === 'not_modified') {
    ctx.status = 304;
    return;
  }

  // RFC 9110 §14.2: range handling is defined for GET only; HEAD answers as a plain GET would.
  const header = ctx.method === 'GET' ? ctx.get('Range') : '';
  const decision =
    header && ifRangeAllows(ctx.get('If-Range') || undefined, validators)
      ? parseRange(header, file.size)
      : ({ kind: 'full' } as const);

  if (decision.kind === 'unsatisfiable') {
    throw new AppError('range_not_satisfiable', `The file has ${file.size} bytes`, {
      headers: { 'Content-Range': unsatisfiedContentRange(file.size) },
    });
  }

  ctx.type = file.mimeType;
  const range = decision.kind === 'partial' ? decision.range : undefined;
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', contentRange(range, file.size));
  } else {
    ctx.status = 200;
  }
  const length = range ? range.end - range.start + 1 : file.size;
  if (ctx.method === 'HEAD' || length === 0) {
    // Koa answers HEAD with the headers only; opening the file would leak a descriptor.
    if (length === 0) ctx.body = Buffer.alloc(0);
    ctx.length = length;
    return;
  }
  if (!storage.openReader) {
    ctx.body = storage.read(file.key, range);
    ctx.length = length;
    return;
  }
  const reader = await storage.openReader(file.key, { expectSize: file.size });
  if (!reader) throw new AppError('not_found', 'The file is missing from storage');
  ctx.length = length;
  ctx.respond = false;
  // A failure once bytes flow (the file is shorter than its document says) has closed the
  // connection; rethrown, the error handler logs it and answers nothing more.
  await reader.send(range ?? { start: 0, end: file.size - 1 }, ctx.res);
}
