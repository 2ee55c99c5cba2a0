import type { PlaybackDescriptor, PlaybackToken, Video, VideoList } from '@reelkit/protocol';
import type { ListVideosParams, PlaybackTokenOptions, VideoPatch } from './api-params.js';
import { requestJson, type Credential, type HttpOptions } from './http.js';
import { ReelkitError } from './reelkit-error.js';
import { subscribe, type Subscription, type SubscribeOptions } from './subscribe.js';
import type { UploadInput, UploadOptions } from './tus-upload.js';
import type { VideoEvent } from './video-events.js';

/** How to reach and authenticate to the API. */
export interface ReelkitClientOptions {
  /** The API's origin, e.g. `https://video.example.com`. */
  apiBase: string;
  /** An access token, or a function returning the current one (called before every request). */
  token?: Credential;
  /** An API key (`rk_...`), for server-side use only: never ship it to a browser. */
  apiKey?: string;
  /** A `fetch` to use instead of the global one (tests, proxies, older runtimes). */
  fetch?: typeof fetch;
}

/** Per-call options shared by every method. */
export interface CallOptions {
  /** Cancels the call; it rejects with a `ReelkitError` whose code is `aborted`. */
  signal?: AbortSignal;
}

const enc = encodeURIComponent;

/** Video catalogue, uploads and playback tokens: `client.videos`. */
export class VideosApi {
  /** @internal */
  constructor(private readonly http: HttpOptions) {}

  /** One page of the organisation's videos, newest first. */
  list(params: ListVideosParams = {}, options: CallOptions = {}): Promise<VideoList> {
    const { limit, cursor, status, visibility, q } = params;
    return requestJson<VideoList>(this.http, 'GET', '/v1/videos', {
      query: { limit, cursor, status, visibility, q },
      signal: options.signal,
    });
  }

  /**
   * Every video matching `params`, page after page.
   * @example
   * ```ts
   * for await (const video of client.videos.listAll({ status: 'ready' })) console.log(video.title);
   * ```
   */
  async *listAll(
    params: Omit<ListVideosParams, 'cursor'> = {},
    options: CallOptions = {},
  ): AsyncGenerator<Video> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...params, ...(cursor ? { cursor } : {}) }, options);
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One video. Rejects with `video_not_found` when it does not exist in the organisation. */
  get(id: string, options: CallOptions = {}): Promise<Video> {
    return requestJson<Video>(this.http, 'GET', `/v1/videos/${enc(id)}`, { signal: options.signal });
  }

  /** Changes a video's title, description or visibility; resolves to the updated video. */
  update(id: string, patch: VideoPatch, options: CallOptions = {}): Promise<Video> {
    return requestJson<Video>(this.http, 'PATCH', `/v1/videos/${enc(id)}`, {
      body: patch,
      signal: options.signal,
    });
  }

  /** Deletes a video and every file made from it. */
  async delete(id: string, options: CallOptions = {}): Promise<void> {
    await requestJson<unknown>(this.http, 'DELETE', `/v1/videos/${enc(id)}`, { signal: options.signal });
  }

  /**
   * Uploads a video file with tus (resumable): a lost connection is retried from the server's
   * offset, and an interrupted upload of the same `File` resumes on the next call. Resolves to the
   * new video (usually `queued`) once every byte is stored; follow its processing with
   * {@link ReelkitClient.subscribe}.
   *
   * The video id is read from the `Reelkit-Video-Id` header of the creation or final `PATCH`
   * response, or else from the upload URL (`/v1/uploads/<videoId>`).
   *
   * @example
   * ```ts
   * const video = await client.videos.upload(input.files[0], {
   *   title: 'Launch',
   *   onProgress: ({ percent }) => (bar.value = percent),
   *   signal: controller.signal,
   * });
   * ```
   */
  async upload(file: UploadInput, options: UploadOptions = {}): Promise<Video> {
    const { tusUpload } = await import('./tus-upload.js');
    const { videoId } = await tusUpload(this.http, file, options);
    return this.get(videoId, options.signal ? { signal: options.signal } : {});
  }

  /**
   * Mints a short-lived playback token for one video (server side, with an API key or an editor's
   * token). Hand `token` to the browser, where `createPlayer` uses it; its `getToken` option can
   * call your backend for a fresh one.
   */
  createPlaybackToken(id: string, options: PlaybackTokenOptions & CallOptions = {}): Promise<PlaybackToken> {
    const { signal, ...body } = options;
    return requestJson<PlaybackToken>(this.http, 'POST', `/v1/videos/${enc(id)}/playback-tokens`, {
      body,
      signal,
    });
  }

  /**
   * Signed playback URLs for a video: anonymous for a public video, else with a playback `token`
   * (or the client's own credential). Rejects with `video_not_ready` while it is processing.
   */
  playback(id: string, options: CallOptions & { token?: string } = {}): Promise<PlaybackDescriptor> {
    return requestJson<PlaybackDescriptor>(this.http, 'GET', `/v1/videos/${enc(id)}/playback`, {
      query: { token: options.token },
      signal: options.signal,
    });
  }
}

/**
 * The Reelkit API client, for browsers (with a user's access token) and Node (with an API key).
 *
 * @example
 * ```ts
 * const client = new ReelkitClient({ apiBase: 'https://video.example.com', apiKey: process.env.REELKIT_API_KEY });
 * const { token } = await client.videos.createPlaybackToken(videoId, { ttlSeconds: 600 });
 * ```
 */
export class ReelkitClient {
  /** Catalogue, uploads and playback tokens. */
  readonly videos: VideosApi;
  private readonly http: HttpOptions;

  constructor(options: ReelkitClientOptions) {
    if (!options?.apiBase) throw new ReelkitError('validation_failed', 'ReelkitClient needs an apiBase');
    this.http = {
      apiBase: options.apiBase,
      credential: options.token ?? options.apiKey,
      fetch: options.fetch,
    };
    this.videos = new VideosApi(this.http);
  }

  /**
   * Live events of one video, or of every video of the organisation (`'*'`, with an access
   * token), over socket.io (loaded on first use).
   */
  subscribe(
    videoId: string,
    handler: (event: VideoEvent) => void,
    options: Omit<SubscribeOptions, 'apiBase' | 'token'> = {},
  ): Subscription {
    const credential = this.http.credential;
    return subscribe(videoId, handler, {
      ...options,
      apiBase: this.http.apiBase,
      ...(typeof credential === 'string' ? { token: credential } : {}),
      ...(typeof credential === 'function' && !options.getToken
        ? { getToken: async () => (await credential()) ?? '' }
        : {}),
    });
  }
}
