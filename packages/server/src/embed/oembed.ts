// Pure pieces of the oEmbed endpoint (https://oembed.com): which video a URL names, the frame size.
import { escapeHtml as esc } from './embed-page.js';

/** The video named by an embed URL (`/embed/<id>`) or watch URL (`/watch/<id>`) on the API's origin. */
export interface OembedTarget {
  videoId: string;
  /** A `?token=` carried by the URL. */
  token?: string | undefined;
}

/**
 * Reads `<PUBLIC_URL>/embed/<id>` or `<PUBLIC_URL>/watch/<id>` (an optional `?token=` is kept);
 * undefined for any other origin, path or a malformed id.
 */
export function parseVideoUrl(url: string, publicUrl: string): OembedTarget | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const base = new URL(publicUrl);
  if (parsed.origin !== base.origin) return undefined;
  const prefix = base.pathname.replace(/\/$/, '');
  const m = /^\/(?:embed|watch)\/([0-9a-f]{24})\/?$/.exec(
    parsed.pathname.startsWith(prefix) ? parsed.pathname.slice(prefix.length) : '',
  );
  if (!m) return undefined;
  const token = parsed.searchParams.get('token') ?? undefined;
  return { videoId: m[1]!, token: token || undefined };
}

/** The default frame fits a 640×640 box: 640×360 for 16:9, 360×640 for a portrait 9:16. */
export const DEFAULT_EMBED_WIDTH = 640;

/**
 * Width and height of the iframe at the video's aspect ratio (16:9 when unknown): as large as fits
 * a {@link DEFAULT_EMBED_WIDTH}-square box, scaled down — never up — to fit `maxwidth` and
 * `maxheight`.
 */
export function oembedSize(
  aspectRatio: number | null | undefined,
  maxWidth?: number | undefined,
  maxHeight?: number | undefined,
): { width: number; height: number } {
  const ratio = aspectRatio && Number.isFinite(aspectRatio) && aspectRatio > 0 ? aspectRatio : 16 / 9;
  let width = DEFAULT_EMBED_WIDTH;
  if (maxWidth && maxWidth > 0) width = Math.min(width, maxWidth);
  let height = width / ratio;
  const heightLimit = Math.min(DEFAULT_EMBED_WIDTH, maxHeight && maxHeight > 0 ? maxHeight : Infinity);
  if (height > heightLimit) {
    height = heightLimit;
    width = height * ratio;
  }
  return { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
}

/** The oEmbed `video` answer. */
export interface OembedVideo {
  type: 'video';
  version: '1.0';
  title: string;
  provider_name: string;
  provider_url: string;
  width: number;
  height: number;
  html: string;
}

/** Builds the answer: an `<iframe>` of the embed page sized by {@link oembedSize}. */
export function oembedVideo(input: {
  title: string;
  embedUrl: string;
  providerName: string;
  providerUrl: string;
  width: number;
  height: number;
}): OembedVideo {
  return {
    type: 'video',
    version: '1.0',
    title: input.title,
    provider_name: input.providerName,
    provider_url: input.providerUrl,
    width: input.width,
    height: input.height,
    html:
      `<iframe src="${esc(input.embedUrl)}" width="${input.width}" height="${input.height}" ` +
      `title="${esc(input.title)}" frameborder="0" ` +
      `allow="autoplay; fullscreen; picture-in-picture; encrypted-media" allowfullscreen></iframe>`,
  };
}
