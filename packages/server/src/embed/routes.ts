import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../http/app-error.js';
import type { OrgModel } from '../orgs/org-model.js';
import { PlaybackTokenError, type PlaybackClaims, type PlaybackTokens } from '../playback/playback-tokens.js';
import type { Video, VideoModel } from '../videos/video-model.js';
import { acceptsGzip, createBundleBodies, gzipEtag } from './bundle-bodies.js';
import { embedCsp, frameAncestors, renderEmbedPage, renderMessagePage } from './embed-page.js';
import { oembedSize, oembedVideo, parseVideoUrl } from './oembed.js';

/** Thrown by {@link embedRoutes} when `requireBundle` is set and the bundle is not built. */
export class EmbedBundleMissingError extends Error {
  constructor(readonly file: string) {
    super(
      `The embed bundle ${file} is missing: build it with npm run build (npm start does) before starting`,
    );
    this.name = 'EmbedBundleMissingError';
  }
}

/** Where `npm run build` (and `npm start`) puts the element's IIFE bundle. */
export const DEFAULT_EMBED_DIST = fileURLToPath(new URL('../../../embed/dist', import.meta.url));
const BUNDLE = 'reelkit-player.iife.min.js';
const OBJECT_ID = /^[0-9a-f]{24}$/;

/** What {@link embedRoutes} needs. */
export interface EmbedRouteDeps {
  /** `createVideoModel(db)`. */
  Video: VideoModel;
  /** `reelkit.models.Org`. */
  Org: OrgModel;
  /** `reelkit.playbackTokens`: verifies `?token=` and mints tokens for unlisted videos. */
  playbackTokens: PlaybackTokens;
  /** `config.PUBLIC_URL`: the origin in embed URLs, oEmbed answers and the page's CSP. */
  publicUrl: string;
  /** Lifetime of tokens the page mints (`config.PLAYBACK_TOKEN_TTL_S`; default 3600). */
  tokenTtlSeconds?: number;
  /** Folder of the built element (default `packages/embed/dist`). */
  distDir?: string;
  /**
   * Refuse to start without the built bundle (production): a missing bundle is a deployment
   * error to see at start, not a 503 each embedding page meets later.
   * @defaultValue false
   */
  requireBundle?: boolean;
  /** oEmbed `provider_name` (default `Reelkit`). */
  providerName?: string;
}

type Visibility = Video['visibility'];

/**
 * The embed surface, public and unauthenticated:
 *
 * - `GET /embed/reelkit-player.js`: the element's IIFE bundle at a stable URL (503 when not built,
 *   outside production: with `requireBundle`, a missing bundle throws here, at start);
 * - `GET /embed/:videoId`: an HTML page with `<reelkit-player>` filling the frame, for public and
 *   unlisted videos, or any video with a valid `?token=`; private without token → 404 page. The
 *   page mints the playback token itself for unlisted videos and for public videos of an
 *   organisation with an embed-origin list (the anonymous route would refuse the page's origin);
 * - `GET /oembed?url=&maxwidth=&maxheight=&format=json`: oEmbed `video` answers (JSON only).
 */
export function embedRoutes(deps: EmbedRouteDeps): Router {
  const router = new Router();
  const publicUrl = deps.publicUrl.replace(/\/$/, '');
  const publicOrigin = new URL(publicUrl).origin;
  const distDir = deps.distDir ?? DEFAULT_EMBED_DIST;
  const ttl = deps.tokenTtlSeconds ?? 3600;
  const providerName = deps.providerName ?? 'Reelkit';
  if (deps.requireBundle && !statSync(join(distDir, BUNDLE), { throwIfNoEntry: false })?.isFile())
    throw new EmbedBundleMissingError(join(distDir, BUNDLE));

  const bundle = createBundleBodies(join(distDir, BUNDLE));
  router.get('/embed/reelkit-player.js', async (ctx) => {
    const bodies = await bundle.get();
    if (!bodies)
      throw new AppError(
        'service_unavailable',
        `The embed bundle (${BUNDLE}) has not been built: run npm run build`,
        { headers: { 'Retry-After': '60' } },
      );
    const gzipped = acceptsGzip(ctx.get('Accept-Encoding'));
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.vary('Accept-Encoding');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.etag = gzipped ? gzipEtag(bodies.etag) : bodies.etag;
    ctx.lastModified = bodies.lastModified;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    if (gzipped) ctx.set('Content-Encoding', 'gzip');
    ctx.body = gzipped ? bodies.gzip : bodies.plain;
  });

  /** Verifies a `?token=` for this video; undefined when invalid, expired or for another video. */
  function claimsOf(token: string, videoId: string): PlaybackClaims | undefined {
    try {
      const claims = deps.playbackTokens.verify(token);
      return claims.sub === videoId ? claims : undefined;
    } catch (err) {
      if (err instanceof PlaybackTokenError) return undefined;
      throw err;
    }
  }

  async function embedOriginsOf(orgId: unknown): Promise<string[]> {
    const org = await deps.Org.findById(orgId).select('embedOrigins').lean();
    return [...(org?.embedOrigins ?? [])];
  }

  function sendPage(ctx: Context, status: number, html: string, csp: string): void {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', csp);
    // frame-ancestors decides who may frame the page; the API-wide X-Frame-Options would forbid all.
    ctx.remove('X-Frame-Options');
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    ctx.body = html;
  }

  function notFound(ctx: Context, status = 404, message = 'This video does not exist or is not available.') {
    sendPage(
      ctx,
      status,
      renderMessagePage('Video not available', message),
      embedCsp({ publicOrigin, frameAncestors: ['*'] }),
    );
  }

  router.get('/embed/:videoId', async (ctx) => {
    const videoId = ctx.params.videoId ?? '';
    if (!OBJECT_ID.test(videoId)) return notFound(ctx);
    const queryToken = typeof ctx.query.token === 'string' && ctx.query.token ? ctx.query.token : undefined;
    let video: Pick<Video, '_id' | 'orgId' | 'title' | 'visibility'> | null;
    let token: string | undefined;
    let tokenOrigins: string[] | undefined;
    if (queryToken) {
      const claims = claimsOf(queryToken, videoId);
      if (!claims) return notFound(ctx, 403, 'This link is invalid or has expired.');
      video = await deps.Video.findOne({ _id: videoId, orgId: claims.orgId })
        .select('orgId title visibility')
        .lean<Video>();
      token = queryToken;
      tokenOrigins = claims.origins;
    } else {
      video = await deps.Video.findOne({ _id: videoId, visibility: { $in: ['public', 'unlisted'] } })
        .select('orgId title visibility')
        .lean<Video>();
    }
    if (!video) return notFound(ctx);
    const embedOrigins = await embedOriginsOf(video.orgId);
    const visibility: Visibility = video.visibility;
    // The page's own requests carry no Origin a list would accept, so it signs for its players;
    // a public video of an organisation without a list plays anonymously (and renews by itself).
    if (!token && (visibility !== 'public' || embedOrigins.length > 0)) {
      token = deps.playbackTokens.sign({
        videoId,
        orgId: String(video.orgId),
        ttlSeconds: ttl,
      }).token;
    }
    const start = Number(ctx.query.start ?? ctx.query.t);
    const flag = (name: string) => ctx.query[name] === '1' || ctx.query[name] === 'true';
    const html = renderEmbedPage({
      videoId,
      title: video.title,
      publicUrl,
      token,
      autoplay: flag('autoplay'),
      muted: flag('muted'),
      loop: flag('loop'),
      startTime: Number.isFinite(start) && start > 0 ? start : undefined,
      pageUrl: `${publicUrl}/embed/${videoId}${queryToken ? `?token=${encodeURIComponent(queryToken)}` : ''}`,
    });
    const ancestors = frameAncestors({ visibility, embedOrigins, tokenOrigins });
    sendPage(ctx, 200, html, embedCsp({ publicOrigin, frameAncestors: ancestors }));
  });

  router.get('/oembed', async (ctx) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    const format = typeof ctx.query.format === 'string' ? ctx.query.format : 'json';
    if (format !== 'json')
      throw new AppError('validation_failed', 'Only format=json is supported', { status: 501 });
    const url = typeof ctx.query.url === 'string' ? ctx.query.url : '';
    if (!url)
      throw new AppError('validation_failed', 'url is required', {
        errors: [{ path: 'url', message: 'required' }],
      });
    const target = parseVideoUrl(url, publicUrl);
    if (!target) throw new AppError('not_found', `Not a video URL of ${publicOrigin}`);
    let video: Pick<Video, '_id' | 'title' | 'metadata' | 'visibility'> | null;
    if (target.token) {
      const claims = claimsOf(target.token, target.videoId);
      if (!claims) throw new AppError('video_not_found');
      video = await deps.Video.findOne({ _id: target.videoId, orgId: claims.orgId })
        .select('title metadata visibility')
        .lean<Video>();
    } else {
      video = await deps.Video.findOne({ _id: target.videoId, visibility: { $in: ['public', 'unlisted'] } })
        .select('title metadata visibility')
        .lean<Video>();
    }
    if (!video) throw new AppError('video_not_found');
    const dimension = (name: string) => {
      const n = Number(ctx.query[name]);
      return Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
    };
    const m = video.metadata;
    const ratio = m?.width && m.height ? m.width / m.height : undefined;
    const { width, height } = oembedSize(ratio, dimension('maxwidth'), dimension('maxheight'));
    const embedUrl = `${publicUrl}/embed/${target.videoId}${target.token ? `?token=${encodeURIComponent(target.token)}` : ''}`;
    ctx.set('Cache-Control', target.token ? 'no-store' : 'public, max-age=300');
    ctx.body = oembedVideo({
      title: video.title,
      embedUrl,
      providerName,
      providerUrl: publicUrl,
      width,
      height,
    });
  });

  return router;
}
