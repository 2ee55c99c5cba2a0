import type { VideoStatus, Visibility } from '@reelkit/protocol';

/*
 * What the SDK sends. What the API answers (`Video`, `PlaybackDescriptor`…) is not declared here:
 * those are the `z.output` types of `@reelkit/protocol`'s response schemas, imported as types only
 * so zod never reaches the browser bundle.
 */

/** Filters and paging for `videos.list`. */
export interface ListVideosParams {
  /** Page size (the API caps it at 100). @defaultValue 20 */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  status?: VideoStatus;
  visibility?: Visibility;
  /** Titles containing this text (case-insensitive). */
  q?: string;
}

/** Fields `videos.update` may change. */
export interface VideoPatch {
  title?: string;
  description?: string;
  visibility?: Visibility;
}

/** Options for minting a playback token. */
export interface PlaybackTokenOptions {
  /** Lifetime in seconds (the server applies its own bounds). */
  ttlSeconds?: number;
  /** Browser origins allowed to use the token, e.g. `['https://example.com']`. */
  origins?: string[];
}
