export { embedRoutes, DEFAULT_EMBED_DIST, EmbedBundleMissingError } from './routes.js';
export type { EmbedRouteDeps } from './routes.js';
export { embedCsp, frameAncestors, renderEmbedPage, escapeHtml } from './embed-page.js';
export type { EmbedPageInput, FrameAncestorsInput } from './embed-page.js';
export { oembedSize, oembedVideo, parseVideoUrl, DEFAULT_EMBED_WIDTH } from './oembed.js';
export type { OembedTarget, OembedVideo } from './oembed.js';
