/**
 * What a signed delivery URL may ask for, below `/v1/play/<token>/<videoId>/`. Anything else — a
 * `..`, an encoded character, a second slash, an unknown file — is refused before storage is
 * touched, so nothing outside the video's folder can ever be read.
 */
export type DeliveryKind =
  | 'master'
  | 'variant'
  | 'init'
  | 'segment'
  | 'poster'
  | 'storyboard'
  | 'storyboard-vtt'
  | 'mp4'
  | 'subs-playlist'
  | 'subs-vtt';

export interface DeliveryTarget {
  kind: DeliveryKind;
  /** Path inside the video's folder, e.g. `hls/720p/seg_00001.m4s`. */
  path: string;
  contentType: string;
  cacheControl: string;
}

/** Segments, init segments, images and MP4s never change once written: cache them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Playlists and the storyboard index: short-lived, so a re-transcode or a revocation shows soon. */
export const SHORT_LIVED = 'public, max-age=30';
/**
 * The master and caption files, which follow caption edits: every use is revalidated (the server
 * answers 304 against an ETag of the served bytes), so an added or deleted caption shows on the
 * next request, on any API instance, since each builds them from the database per request.
 */
export const REVALIDATE = 'public, no-cache';

const RULES: Array<[RegExp, DeliveryKind, string, string]> = [
  [/^hls\/master\.m3u8$/, 'master', 'application/vnd.apple.mpegurl', REVALIDATE],
  [/^hls\/\d{3,4}p\/index\.m3u8$/, 'variant', 'application/vnd.apple.mpegurl', SHORT_LIVED],
  [/^hls\/\d{3,4}p\/init\.mp4$/, 'init', 'video/mp4', IMMUTABLE],
  [/^hls\/\d{3,4}p\/seg_\d{5}\.m4s$/, 'segment', 'video/iso.segment', IMMUTABLE],
  // Audio renditions: `hls/audio/<trackId>/…` (ids are ours: `a0`, `a1`…, a dub's id; an
  // audio-only video's variants `128k`, `64k`).
  [/^hls\/audio\/[a-z0-9]{1,24}\/index\.m3u8$/, 'variant', 'application/vnd.apple.mpegurl', SHORT_LIVED],
  [/^hls\/audio\/[a-z0-9]{1,24}\/init\.mp4$/, 'init', 'audio/mp4', IMMUTABLE],
  [/^hls\/audio\/[a-z0-9]{1,24}\/seg_\d{5}\.m4s$/, 'segment', 'video/iso.segment', IMMUTABLE],
  [/^poster\.jpg$/, 'poster', 'image/jpeg', IMMUTABLE],
  [/^storyboard\.jpg$/, 'storyboard', 'image/jpeg', IMMUTABLE],
  [/^storyboard\.vtt$/, 'storyboard-vtt', 'text/vtt; charset=utf-8', SHORT_LIVED],
  [/^mp4\/\d{3,4}p\.mp4$/, 'mp4', 'video/mp4', IMMUTABLE],
  // An audio-only video's progressive file.
  [/^mp4\/audio\.m4a$/, 'mp4', 'audio/mp4', IMMUTABLE],
  // Captions (`caption-routes.ts`): the playlist is built per request, the WebVTT can be edited away.
  [/^hls\/subs\/[0-9a-f]{24}\.m3u8$/, 'subs-playlist', 'application/vnd.apple.mpegurl', REVALIDATE],
  [/^hls\/subs\/[0-9a-f]{24}\.vtt$/, 'subs-vtt', 'text/vtt; charset=utf-8', REVALIDATE],
];

/** Matches a raw (still percent-encoded) path against the allow-list; `null` when refused. */
export function parseDeliveryPath(raw: string): DeliveryTarget | null {
  // Our files never need encoding: any `%` is an attempt to smuggle `.`, `/` or `\`.
  if (raw.length === 0 || raw.length > 64 || raw.includes('%') || raw.includes('\\')) return null;
  for (const [pattern, kind, contentType, cacheControl] of RULES) {
    if (pattern.test(raw)) return { kind, path: raw, contentType, cacheControl };
  }
  return null;
}

/** The signed base URL of one video: relative URIs in its playlists resolve below it. */
export function deliveryBase(publicUrl: string, token: string, videoId: string): string {
  return `${publicUrl}/v1/play/${token}/${videoId}/`;
}
