import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from '../http/request-id.js';
import { evaluatePreconditions, httpDate, ifRangeAllows } from '../videos/conditional-request.js';
import { contentRange, parseRange } from '../videos/parse-range.js';
import { accelRedirect, type DeliveryOffload } from '../videos/accel-redirect.js';
import { parseDeliveryPath, type DeliveryKind } from './delivery-path.js';
import { matchSignedDelivery, SIGNED_DELIVERY_ROUTE } from './fast-path.js';
import type { HotFile, HotFileCache } from './hot-file-cache.js';
import { headerLines, isHeaderValue, writePreparedHead } from './prepared-head.js';
import type { PlaybackClaims, PlaybackTokens } from './playback-tokens.js';

/** Koa's own listener: everything the front does not answer itself goes there, untouched. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Files written once by the transcoder, needing nothing but the token: the master and caption
 * playlists (built per request from the database) and the MP4 (large, read as ranges) are left to
 * the route.
 */
const FRONT_KINDS: ReadonlySet<DeliveryKind> = new Set<DeliveryKind>([
  'segment',
  'init',
  'variant',
  'poster',
  'storyboard',
  'storyboard-vtt',
]);
const VIDEO_ID = /^[0-9a-f]{24}$/;
const EXPOSE = 'Content-Length, Content-Range, Accept-Ranges, ETag';

/**
 * The request header of nginx's decision subrequest (`deploy/nginx/reelkit.conf.template`, x-accel
 * mode only): "may this token fetch files of this video from this origin, and where are they?".
 */
export const DECISION_HEADER = 'x-reelkit-decision';
/**
 * The longest nginx may reuse a "yes" for the same token, video and Origin (`X-Accel-Expires`),
 * never past the token's expiry: how long a key retirement takes to reach nginx.
 */
export const DECISION_SECONDS = 5;

/**
 * How long nginx may keep a "yes" for a token expiring at `exp` (seconds): nginx's cache keeps an
 * entry through the whole second its lifetime ends in, hence the second taken off, so a decision
 * never outlives the token; 0 (not cached) when under two seconds remain.
 */
export function decisionSeconds(exp: number, nowMs: number): number {
  return Math.max(0, Math.min(DECISION_SECONDS, exp - Math.floor(nowMs / 1000) - 1));
}

/** The answer to a decision subrequest the front cannot say yes to: "ask Reelkit the whole request". */
function deferToReelkit(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, ['Cache-Control', 'no-store']);
  res.end();
}

export interface DeliveryFrontOptions {
  playbackTokens: PlaybackTokens;
  cache: HotFileCache;
  /** The API's fixed security headers (`securityHeaderList`). */
  securityHeaders: ReadonlyArray<[string, string]>;
  offload?: DeliveryOffload;
  /** Told the duration of every answer it sends (the request-duration histogram). */
  observe: (method: string, route: string, status: number, seconds: number) => void;
  /** The clock of token expiry (tests control it). @defaultValue `Date.now` */
  now?: () => number;
}

/** The response headers of one held file that do not depend on the request (flat name/value list). */
function fileHeaders(hot: HotFile, cacheControl: string): string[] {
  return [
    'Accept-Ranges',
    'bytes',
    'ETag',
    hot.file.etag,
    'Last-Modified',
    httpDate(hot.file.lastModified),
    'Cache-Control',
    cacheControl,
    'Content-Type',
    hot.file.mimeType,
  ];
}

/** What a held file's answers need, prepared on its first request and dropped with its entry. */
interface PreparedFile {
  /** Its headers as a list, for the answers given through `writeHead` (206, 304). */
  headers: string[];
  /** The same as wire lines, ending the head of a 200 (`writePreparedHead`). */
  lines: string;
}

/**
 * Signed delivery in front of Koa, on the raw `request` event: the cheapest correct answer to the
 * requests a player makes thousands of — a segment, init segment, variant playlist, poster or
 * storyboard with a valid token and no refusal to give. It does the route's checks in the route's
 * order (path allow-list, video id, cached token verification, video binding, origin) and, when all
 * pass, writes the file from the hot-file cache in one `end` — for a 200, after a head prepared once
 * per file (`prepared-head.ts`), since validating ~40 headers per request was the largest cost of
 * the front's own — or with `DELIVERY_OFFLOAD=x-accel` the header-only redirect to nginx.
 *
 * Anything else — a refusal of any kind (400, 403, 404, 412, 416), a file not held (too large,
 * missing, changed while read), the master and caption playlists, `/file`, OPTIONS, any other
 * method or path — is handed to Koa unchanged, where the route (`serveSigned`) answers it exactly as
 * before with the same problem documents, so the front can never refuse or serve what the route
 * would not. `If-Match` and `If-Unmodified-Since` (412 material) go to Koa too.
 *
 * With x-accel, nginx may first ask a decision (`DECISION_HEADER`) for a segment or init segment:
 * the same checks, answered by a header-only 200 naming the video's folder, which nginx reuses for
 * that token, video and Origin for `decisionSeconds`; anything the front would hand to Koa is a 204
 * instead ("ask me the whole request"), so refusals still come from the route.
 */
export function createDeliveryFront(options: DeliveryFrontOptions) {
  const { playbackTokens, cache, offload, observe } = options;
  const now = options.now ?? Date.now;
  const securityHeaders = options.securityHeaders.flat();
  /** Prepared header blocks of held files, by entry (dropped with it). */
  const prepared = new WeakMap<HotFile, PreparedFile>();
  // The head of a 200 from a held file, around its two values that depend on the request: the
  // request id, and the allowed origin (`*`, or the request's Origin when the token names origins).
  const beforeId = `${headerLines(securityHeaders)}X-Request-Id: `;
  const beforeOrigin = '\r\nAccess-Control-Allow-Origin: ';
  const afterOrigin = `\r\n${headerLines(['Access-Control-Expose-Headers', EXPOSE, 'Timing-Allow-Origin', '*', 'Vary', 'Origin'])}`;

  /** The headers every answer of the front carries, as a list (for `writeHead`). */
  function commonHeaders(requestId: string, allowOrigin: string): string[] {
    return [
      ...securityHeaders,
      'X-Request-Id',
      requestId,
      'Access-Control-Allow-Origin',
      allowOrigin,
      'Access-Control-Expose-Headers',
      EXPOSE,
      'Timing-Allow-Origin',
      '*',
      'Vary',
      'Origin',
    ];
  }

  /**
   * Times an answer once `end()` has returned: its head and body are then written to the socket (or
   * queued behind a pipelined answer), as Koa's timer stops once its middleware is done.
   */
  function observed(method: string, status: number, started: number): void {
    observe(method, SIGNED_DELIVERY_ROUTE, status, (performance.now() - started) / 1000);
  }

  function preparedOf(hot: HotFile, cacheControl: string): PreparedFile {
    let file = prepared.get(hot);
    if (!file) {
      const headers = fileHeaders(hot, cacheControl);
      file = { headers, lines: headerLines(headers) };
      prepared.set(hot, file);
    }
    return file;
  }

  /** Answers from a held file; false when the answer is a refusal the route must give. */
  function sendHeld(
    req: IncomingMessage,
    res: ServerResponse,
    hot: HotFile,
    cacheControl: string,
    requestId: string,
    allowOrigin: string,
    started: number,
  ): boolean {
    const method = req.method!;
    const h = req.headers;
    const file = preparedOf(hot, cacheControl);
    if (h['if-none-match'] || h['if-modified-since']) {
      const precondition = evaluatePreconditions(
        { ifNoneMatch: h['if-none-match'], ifModifiedSince: h['if-modified-since'] },
        hot.file,
      );
      if (precondition === 'not_modified') {
        res.writeHead(304, [...commonHeaders(requestId, allowOrigin), ...file.headers.slice(0, 8)]);
        res.end();
        observed(method, 304, started);
        return true;
      }
    }
    const size = hot.body.length;
    const rangeHeader = method === 'GET' ? h.range : undefined;
    const ifRange = h['if-range'];
    if (rangeHeader && ifRangeAllows(typeof ifRange === 'string' ? ifRange : undefined, hot.file)) {
      const decision = parseRange(rangeHeader, size);
      if (decision.kind === 'unsatisfiable') return false;
      if (decision.kind === 'partial') {
        const { start, end } = decision.range;
        res.writeHead(206, [
          ...commonHeaders(requestId, allowOrigin),
          ...file.headers,
          'Content-Range',
          contentRange(decision.range, size),
          'Content-Length',
          String(end - start + 1),
        ]);
        res.end(hot.body.subarray(start, end + 1));
        observed(method, 206, started);
        return true;
      }
    }
    // The answer players ask for thousands of times: one head string, no header list to check.
    writePreparedHead(
      res,
      200,
      `${beforeId}${requestId}${beforeOrigin}${allowOrigin}${afterOrigin}${file.lines}`,
      size,
    );
    if (method === 'HEAD') res.end();
    else res.end(hot.body);
    observed(method, 200, started);
    return true;
  }

  /** The `request` listener: answers what it can, hands the rest to `fallback` (Koa). */
  return function deliveryFront(req: IncomingMessage, res: ServerResponse, fallback: RequestHandler): void {
    const method = req.method ?? '';
    const url = req.url ?? '';
    const deciding = offload !== undefined && req.headers[DECISION_HEADER] === '1';
    if (deciding) fallback = deferToReelkit;
    if ((method !== 'GET' && method !== 'HEAD') || !url.startsWith('/v1/play/')) {
      fallback(req, res);
      return;
    }
    const started = performance.now();
    const q = url.indexOf('?');
    const request = matchSignedDelivery(method, q < 0 ? url : url.slice(0, q));
    const target = request && parseDeliveryPath(request.rawPath);
    if (!request || !target || !FRONT_KINDS.has(target.kind) || !VIDEO_ID.test(request.videoId)) {
      fallback(req, res);
      return;
    }
    let claims: PlaybackClaims;
    try {
      claims = playbackTokens.verify(request.token);
    } catch {
      fallback(req, res);
      return;
    }
    const h = req.headers;
    const origin = h.origin;
    if (
      claims.sub !== request.videoId ||
      (origin && claims.origins?.length && !claims.origins.includes(origin)) ||
      h['if-match'] ||
      h['if-unmodified-since']
    ) {
      fallback(req, res);
      return;
    }
    const requestId = requestIdOf(h['x-request-id']);
    const allowOrigin = claims.origins?.length && origin ? origin : '*';
    const key = `${claims.orgId}/${request.videoId}/${target.path}`;
    if (deciding) {
      res.writeHead(200, [
        ...commonHeaders(requestId, allowOrigin),
        'X-Reelkit-Folder',
        `/${claims.orgId}/${request.videoId}/`,
        'X-Reelkit-Cache-Control',
        target.cacheControl,
        'X-Accel-Expires',
        String(decisionSeconds(claims.exp, now())),
        'Content-Length',
        '0',
      ]);
      res.end();
      observed(method, 200, started);
      return;
    }
    if (offload) {
      // nginx answers Range itself only when it would answer as Reelkit does (`sendStoredFile`).
      if (h.range) {
        fallback(req, res);
        return;
      }
      const redirect = (location: string) => {
        res.writeHead(200, [
          ...commonHeaders(requestId, allowOrigin),
          'X-Accel-Redirect',
          location,
          'X-Reelkit-Cache-Control',
          target.cacheControl,
          'Content-Type',
          target.contentType,
          'Content-Length',
          '0',
        ]);
        res.end();
        observed(method, 200, started);
      };
      // A string for local storage; a promise (a presigned GET) for S3: see accel-redirect.ts.
      const location = accelRedirect(offload, key, {
        cacheControl: target.cacheControl,
        cors: claims.origins?.length && origin ? 'o' : 'a',
      });
      if (typeof location === 'string') redirect(location);
      else location.then(redirect, () => !res.destroyed && fallback(req, res));
      return;
    }
    // An Origin echoed into the prepared head is checked as `writeHead` would check it.
    if (allowOrigin !== '*' && !isHeaderValue(allowOrigin)) {
      fallback(req, res);
      return;
    }
    const held = cache.fresh(key);
    if (held) {
      if (!sendHeld(req, res, held, target.cacheControl, requestId, allowOrigin, started)) fallback(req, res);
      return;
    }
    cache.load(key, target.contentType).then(
      (hot) => {
        if (res.destroyed) return;
        if (!hot || !sendHeld(req, res, hot, target.cacheControl, requestId, allowOrigin, started))
          fallback(req, res);
      },
      () => {
        if (!res.destroyed) fallback(req, res);
      },
    );
  };
}

export type DeliveryFront = ReturnType<typeof createDeliveryFront>;
