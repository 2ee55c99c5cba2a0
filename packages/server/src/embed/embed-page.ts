// Pure pieces of the iframe embed page: its HTML and its Content-Security-Policy.

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Who may frame a video's embed page. */
export interface FrameAncestorsInput {
  visibility: 'private' | 'unlisted' | 'public';
  /** The organisation's embed-origin list (`PATCH /v1/org` `embedOrigins`). */
  embedOrigins: readonly string[];
  /** Origins a `?token=` is bound to, when it is. */
  tokenOrigins?: readonly string[] | undefined;
}

/**
 * The `frame-ancestors` sources of an embed page:
 *
 * - a **public** video of an organisation whose embed-origin list is **empty**: `*` (any site may
 *   frame it, as any site may play it);
 * - otherwise `'self'` plus the organisation's embed origins plus the origins a `?token=` is bound
 *   to. An unlisted or private video is therefore framed only by the sites the organisation listed
 *   (or its backend bound the token to); with neither, only by the API's own pages.
 */
export function frameAncestors(input: FrameAncestorsInput): string[] {
  if (input.visibility === 'public' && input.embedOrigins.length === 0) return ['*'];
  return ["'self'", ...new Set([...input.embedOrigins, ...(input.tokenOrigins ?? [])])];
}

/**
 * The embed page's policy: scripts only from the API's origin (the bundle at
 * `/embed/reelkit-player.js`), media, images and API/socket connections to the API's origin
 * (`blob:` for hls.js's MediaSource and worker), inline styles (Lit sets style attributes), no
 * plugins, forms or base changes.
 */
export function embedCsp(options: { publicOrigin: string; frameAncestors: readonly string[] }): string {
  const origin = options.publicOrigin;
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    `script-src 'self' ${origin}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' ${origin} data: blob:`,
    `media-src 'self' ${origin} blob:`,
    `connect-src 'self' ${origin} ${ws}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    `frame-ancestors ${options.frameAncestors.join(' ')}`,
  ].join('; ');
}

/** What the embed page renders. */
export interface EmbedPageInput {
  videoId: string;
  title: string;
  /** The API's public URL (no trailing slash). */
  publicUrl: string;
  /** A playback token for the element (unlisted/private videos, or one minted for the page). */
  token?: string | undefined;
  /** From the page's query: `autoplay=1`, `muted=1`, `loop=1`, `start=<s>` (or `t=`). */
  autoplay?: boolean;
  muted?: boolean;
  loop?: boolean;
  startTime?: number | undefined;
  /** The page's own URL, for the oEmbed discovery link. */
  pageUrl: string;
}

/** The iframe page: the element filling the frame, the bundle from the stable URL, oEmbed discovery. */
export function renderEmbedPage(input: EmbedPageInput): string {
  const attr = (name: string, value: string | undefined | boolean) =>
    value === undefined || value === false
      ? ''
      : value === true
        ? ` ${name}`
        : ` ${name}="${escapeHtml(value)}"`;
  const oembed = `${input.publicUrl}/oembed?url=${encodeURIComponent(input.pageUrl)}&format=json`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${escapeHtml(input.title)}</title>
<link rel="alternate" type="application/json+oembed" href="${escapeHtml(oembed)}" title="${escapeHtml(input.title)}">
<style>html,body{margin:0;height:100%;background:#000;overflow:hidden}reelkit-player{width:100%;height:100%}</style>
<script src="${escapeHtml(input.publicUrl)}/embed/reelkit-player.js" defer></script>
</head>
<body>
<reelkit-player${attr('video-id', input.videoId)}${attr('api-base', input.publicUrl)}${attr('token', input.token)}${attr('autoplay', Boolean(input.autoplay))}${attr('muted', Boolean(input.muted))}${attr('loop', Boolean(input.loop))} playsinline${attr('start-time', input.startTime ? String(input.startTime) : undefined)}></reelkit-player>
</body>
</html>
`;
}

/** A small page for a video that cannot be shown (404, or an invalid link). */
export function renderMessagePage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>html,body{margin:0;height:100%;background:#000;color:#fff;font:16px/1.4 system-ui,sans-serif}main{height:100%;display:grid;place-items:center;text-align:center;padding:0 16px}</style>
</head>
<body><main><p>${escapeHtml(message)}</p></main></body>
</html>
`;
}
