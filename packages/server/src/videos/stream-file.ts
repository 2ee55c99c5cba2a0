import {
  StorageObjectChangedError,
  StorageObjectNotFoundError,
  StorageUnavailableError,
  type ObjectReader,
  type Storage,
} from '@reelkit/storage';
import type { Context } from 'koa';
import { AppError } from '../http/app-error.js';
import { accelCorsOf, accelRedirect, type DeliveryOffload } from './accel-redirect.js';
import { evaluatePreconditions, httpDate, ifRangeAllows } from './conditional-request.js';
import { contentRange, parseRange, unsatisfiedContentRange } from './parse-range.js';
import { storedFileFromStat } from './stored-file.js';
import type { StoredFile, Video } from './video-model.js';

/** Browsers may reuse a file for a minute without asking; after that they revalidate (304). */
export const FILE_CACHE_CONTROL = 'private, max-age=60';

/** The file `/file` serves: the progressive MP4 rendition once it exists, the original until then. */
export function playableFile(video: Pick<Video, 'mp4' | 'source'>): StoredFile | undefined {
  return video.mp4?.key ? video.mp4 : video.source;
}

/**
 * A file to send: either described in full by its document (`/file`: size, tag, date known), or
 * only by its key and type (HLS output, poster, storyboard), whose size and date then come from
 * the descriptor opened to send it.
 */
export type FileToSend = StoredFile | { key: string; mimeType: string };

export { deliveryOffloadOf, type DeliveryOffload } from './accel-redirect.js';

const isKnown = (file: FileToSend): file is StoredFile => 'etag' in file;

/** Opens the file for sending and says what it is; `null` reader for drivers without `openReader`. */
async function open(
  storage: Storage,
  target: FileToSend,
): Promise<{ file: StoredFile; reader: ObjectReader | null }> {
  const known = isKnown(target) ? target : undefined;
  if (storage.openReader) {
    const reader = await storage.openReader(target.key, known ? { expectSize: known.size } : {});
    if (!reader) throw new AppError('not_found', 'This video has no such file (yet)');
    return {
      // The store's size wins over a document's that disagrees: the object was rewritten since,
      // and a length promised from the document could not be kept.
      file:
        known && known.size === reader.size
          ? known
          : storedFileFromStat({ key: target.key, size: reader.size, mtime: reader.mtime }, target.mimeType),
      reader,
    };
  }
  if (known) return { file: known, reader: null };
  const stat = await storage.stat(target.key);
  if (!stat) throw new AppError('not_found', 'This video has no such file (yet)');
  return { file: storedFileFromStat(stat, target.mimeType), reader: null };
}

/** One range as every client sends it: `bytes=a-b`, `bytes=a-` or `bytes=-n`, no spaces, no list. */
const PLAIN_RANGE = /^bytes=(?:\d{1,15}-\d{0,15}|-\d{1,15})$/;

/**
 * Whether nginx, sent this request by X-Accel-Redirect, answers it as this module would: no
 * `Range`, or one plain satisfiable range on a GET. Every other `Range` — unsatisfiable, invalid,
 * several, or on a HEAD — nginx answers with 416 or multipart (see the differences listed in
 * test/integration/delivery-vs-nginx.test.ts), and on a 416 it would keep the headers it had added
 * for the 200 (a year of caching), so Reelkit answers those few itself. The size comes from the
 * document or the shared descriptor (no `stat`); requests without `Range`, every segment a player
 * fetches, open nothing.
 */
async function nginxAnswersAlike(ctx: Context, storage: Storage, target: FileToSend): Promise<boolean> {
  const header = ctx.get('Range');
  if (!header) return true;
  if (ctx.method !== 'GET' || !PLAIN_RANGE.test(header)) return false;
  let size: number;
  if (isKnown(target)) size = target.size;
  else {
    const { file, reader } = await open(storage, target);
    reader?.release();
    size = file.size;
  }
  return parseRange(header, size).kind === 'partial';
}

/**
 * The one read path of every delivered file — segments, init segments, playlists, poster,
 * storyboard and `/file`. Answers GET/HEAD with RFC 9110 semantics: `If-Match` /
 * `If-Unmodified-Since` (412), then `If-None-Match` / `If-Modified-Since` (304), then `Range` with
 * `If-Range` (206, 416) for GET only.
 *
 * With a storage that can open objects for sending (`openReader`), the bytes go straight to the
 * socket and this resolves once they are sent; Koa is told not to respond (every header is set
 * before the first byte). The local driver takes the descriptor from a cache shared by concurrent
 * requests (its `fstat` gives the size and date of files no document describes: no `stat` per
 * request) and reads into pooled 1 MiB buffers; the S3 driver answers size and date from a cached
 * HEAD and pipes one ranged GET per request, with backpressure. Otherwise the body is the storage read stream,
 * piped by Koa. Either way the read stops when the client goes away. With `offload`, nginx
 * sends the file instead (`X-Accel-Redirect`), and nothing is opened here.
 */
export async function sendStoredFile(
  ctx: Context,
  storage: Storage,
  target: FileToSend,
  options: { cacheControl?: string; offload?: DeliveryOffload } = {},
): Promise<void> {
  if (options.offload && (await nginxAnswersAlike(ctx, storage, target))) {
    // nginx serves the file from storage with sendfile, and answers Range and conditionals itself
    // from the file (its ETag is `etagOf`'s). It keeps this answer's Content-Type; the rest (CORS)
    // its internal location adds from $upstream_http_*. The caching policy travels in a header of
    // our own, not Cache-Control, which nginx would also put on its 404/412/416: the location sets
    // Cache-Control from it on 200/206/304 only, and `no-store` on anything else.
    // With S3 storage the redirect carries a presigned GET that nginx proxies to the bucket, and
    // the caching policy and CORS shape, which nginx cannot take from this answer there.
    const cacheControl = options.cacheControl ?? FILE_CACHE_CONTROL;
    const cors = accelCorsOf(
      ctx.response.get('Access-Control-Allow-Origin') || undefined,
      ctx.response.get('Access-Control-Allow-Credentials') || undefined,
    );
    ctx.set('X-Accel-Redirect', await accelRedirect(options.offload, target.key, { cacheControl, cors }));
    ctx.set('X-Reelkit-Cache-Control', cacheControl);
    ctx.type = target.mimeType;
    ctx.status = 200;
    ctx.body = '';
    return;
  }
  // A remote object can change between its cached `stat` and the read (a shorter rewrite: the store
  // refuses the range). Nothing has been sent then: answer once more for what it is now (the
  // driver has cached its fresh `stat`), as a 416 for a range past its new end, or the bytes.
  for (let attempt = 1; ; attempt++) {
    try {
      await answerStoredFile(ctx, storage, await open(storage, target), options);
      return;
    } catch (err) {
      if (!(err instanceof StorageObjectChangedError) || ctx.res.headersSent || ctx.res.destroyed) throw err;
      ctx.respond = true;
      // Changed again within one request: a writer is busy on it; the client may try again.
      if (attempt >= 2) throw new StorageUnavailableError('read', { cause: err });
    }
  }
}

/** `sendStoredFile` once the file is open: conditionals, range, then the bytes. */
async function answerStoredFile(
  ctx: Context,
  storage: Storage,
  opened: { file: StoredFile; reader: ObjectReader | null },
  options: { cacheControl?: string },
): Promise<void> {
  let reader = opened.reader;
  try {
    const { file } = opened;
    // A second answer (the object changed) must not keep the first one's range.
    ctx.remove('Content-Range');
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
      if (length === 0) ctx.body = Buffer.alloc(0);
      ctx.length = length;
      return;
    }
    ctx.length = length;
    if (!reader) {
      ctx.body = storage.read(file.key, range);
      return;
    }
    ctx.respond = false;
    const sending = reader;
    reader = null; // `send` releases it
    // A failure once bytes flow (the file is shorter than its document says) has closed the
    // connection; rethrown, the error handler logs it and answers nothing more. A remote store
    // that fails before the first byte has sent nothing: the error handler answers (503, 404), or
    // `sendStoredFile` answers again for an object that changed.
    try {
      await sending.send(range ?? { start: 0, end: file.size - 1 }, ctx.res);
    } catch (err) {
      if (!ctx.res.headersSent && !ctx.res.destroyed) {
        ctx.respond = true;
        if (err instanceof StorageObjectNotFoundError)
          throw new AppError('not_found', 'This video has no such file (yet)');
      }
      throw err;
    }
  } finally {
    reader?.release();
  }
}
