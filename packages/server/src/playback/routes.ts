import {
  ORIGIN_PATTERN,
  playbackDescriptorSchema,
  playbackTokenSchema,
  publicRendition,
  type PlaybackDescriptor,
} from '@reelkit/protocol';
import type Router from '@koa/router';
import type { Storage } from '@reelkit/storage';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import { objectIdOr404 } from '../http/object-id.js';
import type { OrgModel } from '../orgs/org-model.js';
import { createFileCache } from '../videos/file-cache.js';
import { playableFile, sendStoredFile, type DeliveryOffload } from '../videos/stream-file.js';
import { FILE_ANSWERS, FILE_HEADERS, RANGE_HEADERS } from '../videos/streaming-docs.js';
import type { Video, VideoModel } from '../videos/video-model.js';
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { deliveryBase, parseDeliveryPath } from './delivery-path.js';
import { createDeliveryFront, type DeliveryFront } from './delivery-front.js';
import { signedDeliveryFastPath, type SignedDeliveryRequest } from './fast-path.js';
import { createHotFileCache } from './hot-file-cache.js';
import { injectSubtitles, subtitleMediaPlaylist } from './subtitle-playlists.js';
import { PlaybackTokenError, type PlaybackClaims, type PlaybackTokens } from './playback-tokens.js';

export interface PlaybackRouteDeps {
  Video: VideoModel;
  Org: OrgModel;
  storage: Storage;
  playbackTokens: PlaybackTokens;
  publicUrl: string;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  /** The API's authenticate middleware (access token, API key or cookie). */
  authenticate: Middleware;
  /** nginx sends the bytes (`DELIVERY_OFFLOAD=x-accel`); default: Reelkit does. */
  offload?: DeliveryOffload;
  /** Memory for small delivered files held whole (`DELIVERY_CACHE_MB`, in bytes); 0: none. */
  hotCacheBytes?: number;
  /** Times answers sent outside Koa (the metrics' request histogram). */
  observeHttp?: (method: string, route: string, status: number, seconds: number) => void;
  /** The clock of token expiry, for the front's decisions (tests control it). */
  now?: () => number;
}

const mintBody = z.strictObject({
  ttlSeconds: z.number().int().min(10).optional(),
  origins: z
    .array(
      z
        .string()
        .max(300)
        .regex(ORIGIN_PATTERN, 'must be an origin such as https://www.example.com (no path)'),
    )
    .max(20)
    .optional(),
});

/** `GET /v1/videos/:id/playback` query string. */
const descriptorQuery = z.object({
  token: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('A playback token for this video: the answer signs its URLs with it.'),
});

/** What signed delivery serves (see `parseDeliveryPath`). */
const DELIVERY_TYPES = [
  'application/vnd.apple.mpegurl',
  'video/mp4',
  'audio/mp4',
  'video/iso.segment',
  'image/jpeg',
  'text/vtt',
] as const;

function verifyOr403(tokens: PlaybackTokens, token: string): PlaybackClaims {
  try {
    return tokens.verify(token);
  } catch (err) {
    if (err instanceof PlaybackTokenError) throw new AppError(err.code, err.message);
    throw err;
  }
}

/** A token bound to origins may only be used from those origins (requests without Origin pass). */
function assertOrigin(ctx: Context, claims: PlaybackClaims): void {
  const origin = ctx.get('origin');
  if (origin && claims.origins?.length && !claims.origins.includes(origin)) {
    throw new AppError('playback_origin_refused', `This token may not be used from ${origin}`);
  }
}

/** CORS for delivery: the token is the credential, so any origin may read (no cookies). */
function deliveryCors(ctx: Context, claims?: PlaybackClaims): void {
  const origin = ctx.get('origin');
  ctx.set('Access-Control-Allow-Origin', claims?.origins?.length && origin ? origin : '*');
  ctx.set('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges, ETag');
  ctx.set('Timing-Allow-Origin', '*');
  ctx.vary('Origin');
}

/** The signed URLs of a video, all below one path that carries the token. */
export function playbackDescriptor(
  video: Video,
  token: string,
  expiresAt: Date,
  publicUrl: string,
): PlaybackDescriptor {
  const videoId = String(video._id);
  const base = deliveryBase(publicUrl, token, videoId);
  const ready = video.status === 'ready';
  return {
    videoId,
    status: video.status,
    progress: { stage: video.progress.stage, percent: video.progress.percent },
    token,
    // What JSON.stringify would make of the Date: the schema describes the answer as sent.
    expiresAt: expiresAt.toISOString(),
    // An audio-only video has no rungs: its master lists audio-only variants.
    hls:
      ready && (video.renditions.length > 0 || video.mediaType === 'audio') ? `${base}hls/master.m3u8` : null,
    mp4: video.mp4?.key ? `${base}file` : null,
    poster: video.posterKey ? `${base}poster.jpg` : null,
    storyboard: video.storyboard ? `${base}storyboard.vtt` : null,
    duration: video.metadata?.duration ?? null,
    aspectRatio:
      video.metadata?.width && video.metadata.height ? video.metadata.width / video.metadata.height : null,
    renditions: video.renditions.map(publicRendition),
    mediaType: video.mediaType ?? 'video',
    title: video.title,
  };
}

/**
 * Playback tokens and signed delivery. Tokens are minted by members and API keys, or anonymously
 * for public videos from an allowed origin; every delivered file checks the token.
 */
export function playbackRoutes(deps: PlaybackRouteDeps): {
  defs: RouteDef[];
  /** Mounts the CORS preflight of delivery, which is not an API operation, on the API router. */
  preflight: (router: Router) => void;
  authenticateFile: Middleware;
  /** Signed delivery ahead of the general middleware chain (see `signedDeliveryFastPath`). */
  fastPath: (securityHeaders: ReadonlyArray<[string, string]>) => Middleware;
  /** Signed delivery ahead of Koa itself, on the raw `request` event (see `createDeliveryFront`). */
  front: (securityHeaders: ReadonlyArray<[string, string]>) => DeliveryFront;
} {
  const { Video, Org, storage, playbackTokens, offload } = deps;

  const mint = (video: Video, ttlSeconds?: number, origins?: string[]) =>
    playbackTokens.sign({
      videoId: String(video._id),
      orgId: String(video.orgId),
      ttlSeconds: Math.min(ttlSeconds ?? deps.defaultTtlSeconds, deps.maxTtlSeconds),
      origins,
    });

  async function loadVideo(orgId: string, id: string | undefined): Promise<Video> {
    const video = await Video.findOne({ _id: objectIdOr404(id, 'video_not_found'), orgId }).lean<Video>();
    if (!video) throw new AppError('video_not_found');
    return video;
  }

  /**
   * The file a progressive request serves, remembered for two seconds as on `/v1/videos/:id/file`:
   * a `<video src>` reads one file as many range requests in a row.
   */
  const fileCache = createFileCache();
  const playableOf = (orgId: string, videoId: string) =>
    fileCache.get(`${orgId}:${videoId}`, async () => playableFile(await loadVideo(orgId, videoId)) ?? null);

  /**
   * Signed delivery. Checks, in order: the path against the allow-list (400), the token's
   * signature, key, audience and expiry (403), its video binding (403) and origins (403). No
   * database read for HLS files but the master and caption playlists (one `_id` read of the captions):
   * the token names the organisation, and storage keys are built from
   * ids only. Both the route and the fast path in front of the middleware chain call this.
   */
  async function serveSigned(
    ctx: Context,
    { token, videoId, rawPath }: SignedDeliveryRequest,
  ): Promise<void> {
    // First, so that refusals (403 expired…) are readable by the player on another origin: it
    // must see the status to renew its token instead of taking it for a network failure.
    deliveryCors(ctx);
    const file = rawPath === 'file' ? undefined : parseDeliveryPath(rawPath);
    if (rawPath !== 'file' && !file) throw new AppError('playback_path_invalid', 'No such file in a video');
    if (!/^[0-9a-f]{24}$/.test(videoId)) throw new AppError('playback_path_invalid', 'Malformed video id');
    const claims = verifyOr403(playbackTokens, token);
    if (claims.sub !== videoId) throw new AppError('playback_video_mismatch');
    assertOrigin(ctx, claims);
    deliveryCors(ctx, claims);
    if (!file) {
      const stored = await playableOf(claims.orgId, videoId);
      if (!stored) throw new AppError('video_not_ready');
      await sendStoredFile(ctx, storage, stored, { cacheControl: 'private, max-age=3600', offload });
      return;
    }
    if (file.kind === 'master' || file.kind === 'subs-playlist') {
      const body = await captionedPlaylist(claims.orgId, videoId, file.path);
      if (body === null) throw new AppError('not_found', 'No such file');
      ctx.type = file.contentType;
      ctx.set('Cache-Control', file.cacheControl);
      // Captions change without a new transcode: the validator is the served bytes' hash.
      ctx.etag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
      ctx.status = 200;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.body = body;
      return;
    }
    await sendStoredFile(
      ctx,
      storage,
      { key: `${claims.orgId}/${videoId}/${file.path}`, mimeType: file.contentType },
      { cacheControl: file.cacheControl, offload },
    );
  }

  const defs: RouteDef[] = [
    defineRoute(
      {
        method: 'post',
        path: '/v1/videos/:id/playback-tokens',
        auth: 'viewer',
        status: 201,
        response: playbackTokenSchema,
        tag: 'playback',
        summary: 'Mint a playback token for one video (members, or an org backend with an API key)',
        body: mintBody,
      },
      async (ctx, { body }) => {
        if (body.ttlSeconds !== undefined && body.ttlSeconds > deps.maxTtlSeconds) {
          throw new AppError('validation_failed', `ttlSeconds must be at most ${deps.maxTtlSeconds}`, {
            errors: [{ path: 'ttlSeconds', message: `must be at most ${deps.maxTtlSeconds}` }],
          });
        }
        const video = await loadVideo(principalOf(ctx).orgId, ctx.params.id);
        const { token, expiresAt } = mint(video, body.ttlSeconds, body.origins);
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          token,
          expiresAt: expiresAt.toISOString(),
          playback: playbackDescriptor(video, token, expiresAt, deps.publicUrl),
        } satisfies z.output<typeof playbackTokenSchema>;
      },
    ),
  ];

  /**
   * `GET /v1/videos/:id/playback`:
   * - with `?token=` (a playback token for this video): the URLs signed with that token;
   * - with credentials (Authorization or the session cookie): a fresh token for a member;
   * - anonymously, for a `public` video only, when the request's Origin is allowed by the org's
   *   embed-origin list. An empty list allows every origin (the video is public); a request without
   *   an Origin header (not a cross-origin browser request) is allowed too.
   */
  defs.push(
    defineRoute(
      {
        method: 'get',
        path: '/v1/videos/:id/playback',
        auth: 'public',
        summary: 'Signed playback URLs: anonymous for public videos, or with ?token= or credentials',
        tag: 'playback',
        query: descriptorQuery,
        status: 200,
        response: playbackDescriptorSchema,
        answers: {
          401: 'Credentials were sent and are not valid.',
          403: 'The playback token is invalid, expired or for another video, or this origin may not play the video.',
        },
      },
      async (ctx) => {
        ctx.set('Cache-Control', 'no-store');
        // Readable refusals for embeds on other sites (404, 403 origin…); a member's credentialed
        // request is answered by the API's CORS allow-list instead.
        const credentialed = Boolean(
          ctx.get('authorization') || ctx.cookies.get('rk_access') || ctx.cookies.get('__Host-rk_access'),
        );
        if (!credentialed) deliveryCors(ctx);
        const id = objectIdOr404(ctx.params.id, 'video_not_found');
        const queryToken = typeof ctx.query.token === 'string' ? ctx.query.token : undefined;
        if (queryToken) {
          const claims = verifyOr403(playbackTokens, queryToken);
          if (claims.sub !== id) throw new AppError('playback_video_mismatch');
          assertOrigin(ctx, claims);
          deliveryCors(ctx, claims);
          const video = await loadVideo(claims.orgId, id);
          ctx.body = playbackDescriptor(video, queryToken, new Date(claims.exp * 1000), deps.publicUrl);
          return;
        }
        if (credentialed) {
          await deps.authenticate(ctx, async () => {
            const video = await loadVideo(principalOf(ctx).orgId, id);
            const { token, expiresAt } = mint(video);
            ctx.body = playbackDescriptor(video, token, expiresAt, deps.publicUrl);
          });
          return;
        }
        const video = await Video.findOne({ _id: id, visibility: 'public' }).lean<Video>();
        if (!video)
          throw new AppError(
            'video_not_found',
            'No public video with this id; private and unlisted videos need a token',
          );
        const org = await Org.findById(video.orgId).select('embedOrigins').lean();
        const origin = ctx.get('origin');
        const allowed = org?.embedOrigins ?? [];
        if (origin && allowed.length > 0 && !allowed.includes(origin)) {
          throw new AppError(
            'playback_origin_refused',
            `${origin} is not in this organisation's embed origins`,
          );
        }
        ctx.set('Access-Control-Allow-Origin', origin && allowed.length > 0 ? origin : '*');
        ctx.vary('Origin');
        const { token, expiresAt } = mint(
          video,
          undefined,
          origin && allowed.length > 0 ? [origin] : undefined,
        );
        ctx.body = playbackDescriptor(video, token, expiresAt, deps.publicUrl);
      },
    ),
  );

  const preflight = (router: Router) => {
    router.options('/v1/play/:token/:videoId/*path', (ctx) => {
      ctx.set('Access-Control-Allow-Origin', ctx.get('origin') || '*');
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', 'Range');
      ctx.set('Access-Control-Max-Age', '86400');
      ctx.status = 204;
    });
  };

  /** Signed delivery (`serveSigned`); most requests are answered by `fastPath` before the router. */
  defs.push(
    defineRoute(
      {
        method: 'get',
        path: '/v1/play/:token/:videoId/*path',
        auth: 'public',
        summary: 'Signed delivery of playlists, segments, poster, storyboard and MP4 (token in the path)',
        tag: 'playback',
        status: 200,
        produces: DELIVERY_TYPES,
        answers: {
          ...FILE_ANSWERS,
          403: 'The token is invalid, expired or for another video, or this origin may not use it.',
          409: 'The video has no progressive MP4 yet (`video_not_ready`).',
        },
        requestHeaders: RANGE_HEADERS,
        responseHeaders: FILE_HEADERS,
      },
      (ctx) =>
        serveSigned(ctx, {
          token: ctx.params.token ?? '',
          videoId: ctx.params.videoId ?? '',
          rawPath: ctx.path.split('/').slice(5).join('/'),
        }),
    ),
  );

  /**
   * The master playlist with the video's captions injected, or a caption's media playlist; null
   * when the video, the master or the caption does not exist. One `_id` read of the captions.
   */
  async function captionedPlaylist(orgId: string, videoId: string, path: string): Promise<string | null> {
    const video = await Video.collection.findOne<Pick<Video, 'orgId' | 'captions' | 'metadata'>>(
      { _id: new Types.ObjectId(videoId) },
      { projection: { orgId: 1, captions: 1, 'metadata.duration': 1 } },
    );
    if (!video || video.orgId.toString() !== orgId) return null;
    const captions = video.captions ?? [];
    if (path !== 'hls/master.m3u8') {
      const id = path.slice('hls/subs/'.length, -'.m3u8'.length);
      if (!captions.some((c) => c._id.toString() === id)) return null;
      return subtitleMediaPlaylist(id, video.metadata?.duration ?? 0);
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of storage.read(`${orgId}/${videoId}/${path}`)) chunks.push(chunk as Buffer);
    } catch (err) {
      // Missing is a 404; a store that fails (down, full) answers as such, not as "no such file".
      if ((err as { code?: unknown }).code === 'ENOENT') return null;
      throw err;
    }
    return injectSubtitles(
      Buffer.concat(chunks).toString('utf8'),
      captions.map((c) => ({
        id: c._id.toString(),
        language: c.language,
        label: c.label,
        default: c.default,
      })),
    );
  }

  /**
   * For `GET|HEAD /v1/videos/:id/file`: a `<video src>` cannot send headers, so a playback token
   * for this video in `?token=` is accepted and the file served right here; without one, the
   * normal authentication applies and the videos route serves it.
   */
  const authenticateFile: Middleware = async (ctx, next) => {
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : undefined;
    if (!token) return deps.authenticate(ctx, next);
    deliveryCors(ctx);
    const claims = verifyOr403(playbackTokens, token);
    const id = objectIdOr404(ctx.params.id, 'video_not_found');
    if (claims.sub !== id) throw new AppError('playback_video_mismatch');
    assertOrigin(ctx, claims);
    deliveryCors(ctx, claims);
    const stored = await playableOf(claims.orgId, id);
    if (!stored) throw new AppError('upload_incomplete', 'The upload of this video has not finished');
    await sendStoredFile(ctx, storage, stored, { offload });
  };

  const fastPath = (securityHeaders: ReadonlyArray<[string, string]>) =>
    signedDeliveryFastPath({ securityHeaders, serve: serveSigned });

  const front = (securityHeaders: ReadonlyArray<[string, string]>) =>
    createDeliveryFront({
      playbackTokens,
      cache: createHotFileCache({ storage, maxBytes: deps.hotCacheBytes ?? 0 }),
      securityHeaders,
      offload,
      observe: deps.observeHttp ?? (() => undefined),
      ...(deps.now ? { now: deps.now } : {}),
    });

  return { defs, preflight, authenticateFile, fastPath, front };
}
