import type { SensitivityResult, TranscodeErrorCode, VideoMetadata } from '@reelkit/protocol';

/** Who may watch a video: only the org (`private`), anyone with a link or token (`unlisted`), anyone (`public`). */
export type Visibility = 'private' | 'unlisted' | 'public';

/** Where a video is in its life: `uploading` → `queued` → `processing` → `ready` | `failed`. */
export type VideoStatus = 'uploading' | 'queued' | 'processing' | 'ready' | 'failed';

/** One rung of a video's HLS ladder, as the API describes it. */
export interface VideoRendition {
  /** Short side of the frame in pixels (720 for 1280×720). */
  rung: number;
  width: number;
  height: number;
  /** Peak bitrate in bits/s. */
  bandwidth: number;
  /** RFC 6381 codecs string. */
  codecs: string;
}

/** A video as the API returns it. */
export interface Video {
  id: string;
  title: string;
  description: string;
  visibility: Visibility;
  status: VideoStatus;
  /** Processing progress: the current stage and 0–100 within it. */
  progress: { stage: string; percent: number };
  /** Probe data of the source, once known. */
  metadata: VideoMetadata | null;
  renditions: VideoRendition[];
  /** Why processing failed, when `status` is `failed`. */
  error: { code: TranscodeErrorCode | string; message: string } | null;
  /** The uploaded file; null until the upload is complete. */
  source: { size: number; sha256: string; mimeType: string; originalName: string | null } | null;
  /** A resumable (tus) upload in progress: bytes announced and received so far; null otherwise. */
  upload: { length: number; offset: number } | null;
  hasPoster: boolean;
  hasStoryboard: boolean;
  /** True once the progressive MP4 rendition exists (the file route then serves it). */
  hasProgressiveMp4: boolean;
  /** The heuristic sensitivity score of the source, once processed. */
  sensitivity: SensitivityResult | null;
  createdAt: string;
  updatedAt: string;
}

/** One page of {@link Video}s; pass `nextCursor` back to get the next page (null on the last). */
export interface VideoList {
  items: Video[];
  nextCursor: string | null;
}

/** Filters and paging for `videos.list`. */
export interface ListVideosParams {
  /** Page size (the API caps it). */
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

/** A playback token for one video, as minted by `POST /v1/videos/:id/playback-tokens`. */
export interface PlaybackToken {
  token: string;
  /** ISO 8601 expiry. */
  expiresAt: string;
  /** The playback descriptor signed with this token. */
  playback: PlaybackInfo;
}

/** Options for minting a playback token. */
export interface PlaybackTokenOptions {
  /** Lifetime in seconds (the server applies its own bounds). */
  ttlSeconds?: number;
  /** Browser origins allowed to use the token, e.g. `['https://example.com']`. */
  origins?: string[];
}

/**
 * Where a video can be played from, as answered by `GET /v1/videos/:id/playback`. Every URL is
 * signed: the token is in the path (`/v1/play/<token>/<videoId>/...`) so relative URIs inherit it.
 */
export interface PlaybackInfo {
  videoId?: string;
  /** The video's title (for a player's label or a page title). */
  title?: string;
  /** The video's status; the URLs are null until it is `ready`. */
  status?: VideoStatus;
  /** Processing progress: the current stage and 0–100 within it (servers since 0.1 send it). */
  progress?: { stage: string; percent: number };
  /** The playback token the URLs carry. */
  token?: string;
  /** HLS master playlist (null until the video is ready). */
  hls: string | null;
  /** Progressive MP4, when the server made one. */
  mp4?: string | null;
  poster?: string | null;
  /** WebVTT index of the storyboard sprite. */
  storyboard?: string | null;
  /** Seconds. */
  duration?: number | null;
  renditions?: VideoRendition[];
  /** ISO 8601 expiry of the token embedded in the URLs. */
  expiresAt?: string | null;
  /** Width / height. */
  aspectRatio?: number | null;
}
