import type { Storage } from '@reelkit/storage';
import type { Context } from 'koa';
import { AppError } from '../http/app-error.js';
import { httpDate, ifRangeAllows, isNotModified } from './conditional-request.js';
import { contentRange, parseRange, unsatisfiedContentRange } from './parse-range.js';
import type { StoredFile, Video } from './video-model.js';

/** Browsers may reuse a file for a minute without asking; after that they revalidate (304). */
export const FILE_CACHE_CONTROL = 'private, max-age=60';

/** The file `/file` serves: the progressive MP4 rendition once it exists, the original until then. */
export function playableFile(video: Pick<Video, 'mp4' | 'source'>): StoredFile | undefined {
  return video.mp4?.key ? video.mp4 : video.source;
}

/**
 * Answers GET/HEAD of a stored file with RFC 9110 range and conditional semantics. Everything it
 * needs (size, entity tag, date, type) comes from the document: no stat per request. The body is
 * the storage read stream (1 MiB reads), piped by Koa, destroyed if the client goes away.
 */
export function sendStoredFile(ctx: Context, storage: Storage, file: StoredFile): void {
  const validators = { etag: file.etag, lastModified: file.lastModified };
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('ETag', file.etag);
  ctx.set('Last-Modified', httpDate(file.lastModified));
  ctx.set('Cache-Control', FILE_CACHE_CONTROL);

  if (
    isNotModified(
      { ifNoneMatch: ctx.get('If-None-Match'), ifModifiedSince: ctx.get('If-Modified-Since') },
      validators,
    )
  ) {
    ctx.status = 304;
    return;
  }

  const header = ctx.get('Range');
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
  ctx.body = storage.read(file.key, range);
  ctx.length = length;
}
