import type Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';
import type { PlaybackDescriptor } from '@reelkit/protocol';

/** What the processing state is told from: a descriptor, or only a status when the API said `video_not_ready`. */
type ProcessingState = Partial<Pick<PlaybackDescriptor, 'status' | 'progress'>>;
import { chooseEngines, detectCapabilities, type PlaybackEngine } from './choose-engine.js';
import { Emitter } from './emitter.js';
import type { hlsTracks as HlsTracks, startHls as StartHls } from './hls-engine.js';
import { requestJson, type HttpOptions } from './http.js';
import type {
  AudioTrackInfo,
  EmitTrackEvent,
  TextTrackInfo,
  TrackEvents,
  TrackSwitcher,
} from './media-tracks.js';
import { playbackTokenOf, withPlaybackToken } from './playback-url.js';
import { ReelkitError } from './reelkit-error.js';
import { subscribe, type Subscription } from './subscribe.js';
import { TokenKeeper, type GetToken } from './token-keeper.js';
import type { VideoEvent } from './video-events.js';

/**
 * Where a player is:
 * `loading` (asking the API) → `processing` (the video is not ready yet) → `ready` (metadata
 * loaded) → `playing` / `paused` / `buffering` / `ended`; `error` after a fatal error;
 * `destroyed` after {@link Player.destroy}.
 */
export type PlayerState =
  'loading' | 'processing' | 'ready' | 'playing' | 'paused' | 'buffering' | 'ended' | 'error' | 'destroyed';

/** One quality of the video (a rung of its HLS ladder). */
export interface QualityLevel {
  /** Position in {@link Player.levels}; pass it to {@link Player.currentLevel}. */
  index: number;
  width: number;
  height: number;
  /** Bits per second. */
  bitrate: number;
  /** A label such as `720p`. */
  name: string;
}

/**
 * Everything a player emits, by event name; the track events (`texttrackschange`,
 * `texttrackchange`, `audiotrackschange`, `audiotrackchange`) come from {@link TrackEvents}.
 */
export interface PlayerEvents extends TrackEvents {
  /** The state changed. */
  statechange: { state: PlayerState; previous: PlayerState };
  /** The video is loaded and can play. */
  ready: { engine: PlaybackEngine; duration: number; levels: QualityLevel[] };
  /**
   * The video is still being processed; sent on every progress update. `stage` is the worker's
   * stage (`probe`, `transcode`, `finalize`…) while it is `processing`; before that, and whenever
   * no stage is known, it equals `status` (`uploading`, `queued`).
   */
  processing: { status: string; stage: string; percent: number };
  /** The quality being played changed. `auto` tells whether the player picks it. */
  levelchange: { level: QualityLevel | undefined; auto: boolean };
  /** The playback position moved (the media element's `timeupdate`). */
  timeupdate: { currentTime: number; duration: number };
  /** The playback token was renewed; playback went on. */
  tokenrenewed: { expiresAt: number | undefined };
  /** Something failed; when `fatal`, playback stopped and the state is `error`. */
  error: { error: ReelkitError; fatal: boolean };
}

/** Options of {@link createPlayer}. */
export interface PlayerOptions {
  videoId: string;
  /** The API's origin, e.g. `https://video.example.com`. */
  apiBase: string;
  /** A playback token (not needed for a public video). */
  token?: string;
  /**
   * The signed HLS master playlist URL of a ready video: the `playback.hls` your backend got when
   * it minted the token (`POST /v1/videos/:id/playback-tokens`). With it, where hls.js plays, the
   * player requests the master playlist at once instead of first asking the API for the video's
   * URLs (`GET /v1/videos/:id/playback`), which it then asks alongside for the rest (the token's
   * expiry, the MP4, poster and storyboard). If that answer says the video is not ready, the player
   * goes back to waiting for it. Its token is the player's `token` when none is given.
   * @defaultValue none: the URLs come from `GET /v1/videos/:id/playback`
   */
  src?: string;
  /**
   * Returns a fresh playback token; called before the current one expires and after a request is
   * refused as expired. Without it a public video's URLs are renewed anonymously.
   */
  getToken?: GetToken;
  /** Start playing as soon as the video is ready (browsers may require `muted` for this). */
  autoplay?: boolean;
  /** Start position in seconds. */
  startTime?: number;
  /** First quality to load, or `'auto'` (default). */
  startLevel?: number | 'auto';
  /** Engines in order of preference, overriding the automatic choice (e.g. `['mp4']`). */
  engines?: PlaybackEngine[];
  /** hls.js settings merged over the SDK's VOD defaults. */
  hlsConfig?: Partial<HlsConfig>;
  /** Follow a processing video live over socket.io (default true). */
  realtime?: boolean;
  /** While processing, also ask the API this often in ms (default 10 000; 3 000 without realtime). */
  pollIntervalMs?: number;
  /** Renew the token this many ms before it expires (default 30 000, at most 30 % of its lifetime). */
  renewBeforeMs?: number;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

/** A video player bound to one `<video>` element. Create it with {@link createPlayer}. */
export interface Player {
  /** The element it plays in. */
  readonly video: HTMLVideoElement;
  readonly videoId: string;
  readonly state: PlayerState;
  /** How it plays, once ready. */
  readonly engine: PlaybackEngine | undefined;
  /** Qualities to choose from (empty with native HLS or MP4, where the browser chooses). */
  readonly levels: QualityLevel[];
  /** The chosen quality index, or `'auto'`; setting it switches at once. */
  currentLevel: number | 'auto';
  /** The quality being played now (in auto mode too), if known. */
  readonly playingLevel: QualityLevel | undefined;
  /** The hls.js instance, when that is the engine (an escape hatch; its API is hls.js's). */
  readonly hls: Hls | undefined;
  /**
   * Subtitle and caption tracks: the HLS `SUBTITLES` renditions with hls.js, the element's
   * `textTracks` (subtitles and captions only) otherwise. Empty until `texttrackschange`.
   */
  readonly textTracks: TextTrackInfo[];
  /** The text track shown, or undefined when captions are off. */
  readonly textTrack: TextTrackInfo | undefined;
  /**
   * Audio tracks: the HLS `AUDIO` renditions with hls.js, the element's `audioTracks` where the
   * browser has them (Safari), else empty. Empty until `audiotrackschange`.
   */
  readonly audioTracks: AudioTrackInfo[];
  /** The audio track heard, if known. */
  readonly audioTrack: AudioTrackInfo | undefined;
  /**
   * Shows the text track for `language` (a BCP 47 tag: an exact match first, then the same primary
   * language, e.g. `fr` finds `fr-CA`), or hides captions with `null`. Returns false, changing
   * nothing, when no track has that language or the list is not known yet.
   */
  setTextTrack(language: string | null): boolean;
  /**
   * Switches to the audio track `id` (from {@link Player.audioTracks}) without interrupting
   * playback: hls.js changes it at the next fragment. Returns false when there is no such track.
   */
  setAudioTrack(id: string): boolean;
  /** Plays (waiting for readiness if needed). Rejects when the browser refuses autoplay. */
  play(): Promise<void>;
  /** Pauses. */
  pause(): void;
  /** Jumps to `seconds`. */
  seek(seconds: number): void;
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof PlayerEvents>(type: K, listener: (e: PlayerEvents[K]) => void): () => void;
  /** Adds a listener called once. */
  once<K extends keyof PlayerEvents>(type: K, listener: (e: PlayerEvents[K]) => void): () => void;
  /** Removes a listener. */
  off<K extends keyof PlayerEvents>(type: K, listener: (e: PlayerEvents[K]) => void): void;
  /** Stops everything: hls.js, timers, listeners, the socket; leaves the element empty. */
  destroy(): void;
}

let hlsEngine: Promise<{ startHls: typeof StartHls; hlsTracks: typeof HlsTracks }> | undefined;
/** Loads hls.js and the SDK's glue for it once, on first need (a separate chunk). */
function loadHlsEngine(): Promise<{ startHls: typeof StartHls; hlsTracks: typeof HlsTracks }> {
  hlsEngine ??= import('./hls-engine.js');
  return hlsEngine;
}

class ReelkitPlayer extends Emitter<PlayerEvents> implements Player {
  readonly videoId: string;
  private currentState: PlayerState = 'loading';
  private keeper: TokenKeeper;
  private http: HttpOptions;
  private hlsInstance: Hls | undefined;
  private tracks: TrackSwitcher | undefined;
  private readonly emitTrack: EmitTrackEvent = (type, e) => this.emit<keyof TrackEvents>(type, e);
  private chosenEngine: PlaybackEngine | undefined;
  private source: string | undefined;
  private subscription: Subscription | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private cleanups: Array<() => void> = [];
  private wantPlay: boolean;
  private pendingSeek: number | undefined;
  private playingIndex = -1;
  private tokenRecoveries = 0;
  private loadingSource = false;
  /** `src` was used once: any restart asks the API. */
  private srcTried = false;
  /** The API said the video behind `src` is not ready: its hls.js must not start late. */
  private srcAbandoned = false;

  constructor(
    readonly video: HTMLVideoElement,
    private readonly options: PlayerOptions,
  ) {
    super();
    this.videoId = options.videoId;
    this.wantPlay = Boolean(options.autoplay);
    this.pendingSeek = options.startTime;
    this.http = { apiBase: options.apiBase, fetch: options.fetch };
    // Without getToken and without a token, a public video's URLs are renewed by asking again.
    const getToken: GetToken | undefined =
      options.getToken ??
      (options.token
        ? undefined
        : async () => {
            const info = await this.fetchPlayback(undefined);
            const token = info.token ?? (info.hls ? playbackTokenOf(info.hls) : undefined);
            if (!token)
              throw new ReelkitError('playback_token_expired', 'The playback answer carries no token');
            return { token, expiresAt: info.expiresAt };
          });
    this.keeper = new TokenKeeper({
      videoId: options.videoId,
      token: options.token ?? (options.src ? playbackTokenOf(options.src) : undefined),
      getToken,
      ...(options.renewBeforeMs !== undefined ? { leadMs: options.renewBeforeMs } : {}),
    });
    this.cleanups.push(
      this.keeper.on('token', ({ expiresAt }) => {
        if (this.chosenEngine) this.emit('tokenrenewed', { expiresAt });
      }),
      this.keeper.on('error', (error) => this.emit('error', { error, fatal: false })),
    );
    this.bindMediaEvents();
    this.start().catch((err: unknown) => this.fail(ReelkitError.from(err)));
  }

  get state(): PlayerState {
    return this.currentState;
  }

  get engine(): PlaybackEngine | undefined {
    return this.chosenEngine;
  }

  get hls(): Hls | undefined {
    return this.hlsInstance;
  }

  get levels(): QualityLevel[] {
    return (this.hlsInstance?.levels ?? []).map((l, index) => ({
      index,
      width: l.width,
      height: l.height,
      bitrate: l.bitrate,
      name: l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kbps`,
    }));
  }

  get currentLevel(): number | 'auto' {
    const hls = this.hlsInstance;
    if (!hls || hls.autoLevelEnabled) return 'auto';
    return hls.manualLevel;
  }

  set currentLevel(level: number | 'auto') {
    const hls = this.hlsInstance;
    if (!hls) return;
    const index = level === 'auto' ? -1 : level;
    if (index >= hls.levels.length || index < -1 || !Number.isInteger(index)) {
      throw new RangeError(`No quality level ${String(level)}; there are ${hls.levels.length}`);
    }
    hls.currentLevel = index;
  }

  get playingLevel(): QualityLevel | undefined {
    return this.levels[this.playingIndex];
  }

  get textTracks(): TextTrackInfo[] {
    return this.tracks?.textTracks() ?? [];
  }

  get textTrack(): TextTrackInfo | undefined {
    return this.tracks?.textTrack();
  }

  get audioTracks(): AudioTrackInfo[] {
    return this.tracks?.audioTracks() ?? [];
  }

  get audioTrack(): AudioTrackInfo | undefined {
    return this.tracks?.audioTrack();
  }

  setTextTrack(language: string | null): boolean {
    return this.tracks?.setTextTrack(language) ?? false;
  }

  setAudioTrack(id: string): boolean {
    return this.tracks?.setAudioTrack(id) ?? false;
  }

  async play(): Promise<void> {
    if (this.currentState === 'destroyed') throw new ReelkitError('aborted', 'The player was destroyed');
    if (!this.chosenEngine || this.loadingSource) {
      this.wantPlay = true;
      await new Promise<void>((resolve, reject) => {
        const offReady = this.once('ready', () => {
          offError();
          resolve();
        });
        const offError = this.on('error', ({ error, fatal }) => {
          if (!fatal) return;
          offReady();
          offError();
          reject(error);
        });
      });
      return;
    }
    await this.video.play();
  }

  pause(): void {
    this.wantPlay = false;
    this.video.pause();
  }

  seek(seconds: number): void {
    if (!this.chosenEngine || this.loadingSource) this.pendingSeek = seconds;
    else this.video.currentTime = seconds;
  }

  destroy(): void {
    if (this.currentState === 'destroyed') return;
    this.setState('destroyed');
    clearTimeout(this.pollTimer);
    this.subscription?.close();
    this.keeper.destroy();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.detachEngine();
    this.removeAllListeners();
  }

  private get destroyed(): boolean {
    return this.currentState === 'destroyed';
  }

  private setState(state: PlayerState): void {
    const previous = this.currentState;
    if (previous === state || previous === 'destroyed') return;
    this.currentState = state;
    this.emit('statechange', { state, previous });
  }

  private fail(error: ReelkitError): void {
    if (this.destroyed) return;
    this.setState('error');
    this.emit('error', { error, fatal: true });
  }

  private async fetchPlayback(token: string | undefined): Promise<PlaybackDescriptor> {
    return requestJson<PlaybackDescriptor>(
      this.http,
      'GET',
      `/v1/videos/${encodeURIComponent(this.videoId)}/playback`,
      {
        query: { token },
      },
    );
  }

  /** Asks the API for signed URLs (renewing the token once if it was refused), then plays. */
  private async start(): Promise<void> {
    // hls.js (a chunk of its own in the ESM build) loads while the API answers, instead of after:
    // where it will be the engine, its download no longer delays the first playlist request.
    const engines =
      this.options.engines ?? chooseEngines(detectCapabilities(this.video), { hls: true, mp4: false });
    if (engines[0] === 'hls.js') loadHlsEngine().catch(() => undefined); // `attach` reports a failure
    const src = this.options.src;
    if (src && engines[0] === 'hls.js' && !this.srcTried) {
      this.srcTried = true;
      return this.startFromSrc(src);
    }
    let info: PlaybackDescriptor;
    try {
      info = await this.fetchPlayback(await this.keeper.get());
    } catch (err) {
      const e = ReelkitError.from(err);
      if (this.destroyed) return;
      if (e.code === 'video_not_ready') return this.waitUntilReady({ status: 'processing' });
      if (
        (e.code === 'playback_token_expired' || e.code === 'playback_token_invalid') &&
        this.options.getToken
      ) {
        info = await this.fetchPlayback(await this.keeper.renew());
      } else throw e;
    }
    if (this.destroyed) return;
    if (info.status === 'failed') {
      throw new ReelkitError('transcode_failed', 'Processing of this video failed');
    }
    const urlToken = info.token ?? (info.hls ? playbackTokenOf(info.hls) : undefined);
    if (urlToken) this.keeper.accept({ token: urlToken, expiresAt: info.expiresAt });
    if (!info.hls && !info.mp4) return this.waitUntilReady(info);
    await this.attach(info);
  }

  /**
   * The master URL was given (`src`): hls.js starts on it now, and the descriptor, asked alongside,
   * tells the token's expiry (for renewal) — or that the video is not ready after all, in which
   * case the player drops hls.js and goes the usual way (waiting for the video, or failing).
   */
  private async startFromSrc(src: string): Promise<void> {
    const described = this.fetchPlayback(this.keeper.token).then(
      (info) => {
        if (this.destroyed) return;
        const token = info.token ?? (info.hls ? playbackTokenOf(info.hls) : undefined);
        if (token) this.keeper.accept({ token, expiresAt: info.expiresAt });
        if (!info.hls) this.restartWithoutSrc();
      },
      (err: unknown) => {
        if (this.destroyed) return;
        const error = ReelkitError.from(err);
        if (error.code === 'video_not_ready') this.restartWithoutSrc();
        else this.emit('error', { error, fatal: false });
      },
    );
    await Promise.all([this.attach({ hls: src, mp4: null }, () => !this.srcAbandoned), described]);
  }

  private restartWithoutSrc(): void {
    this.srcAbandoned = true;
    this.detachEngine();
    this.chosenEngine = undefined;
    this.loadingSource = false;
    this.setState('loading');
    this.start().catch((err: unknown) => this.fail(ReelkitError.from(err)));
  }

  /** Follows a processing video (socket events, plus polling as a safety net) until it is ready. */
  private waitUntilReady(first: ProcessingState): void {
    this.setState('processing');
    this.emit('processing', processingOf(first));
    const realtime = this.options.realtime !== false && Boolean(this.keeper.token || this.options.getToken);
    const interval = this.options.pollIntervalMs ?? (realtime ? 10_000 : 3_000);
    const retry = () => {
      if (this.destroyed || this.currentState !== 'processing') return;
      clearTimeout(this.pollTimer);
      this.subscription?.close();
      this.subscription = undefined;
      this.setState('loading');
      this.start().catch((err: unknown) => this.fail(ReelkitError.from(err)));
    };
    const poll = () => {
      this.pollTimer = setTimeout(() => {
        this.fetchPlayback(this.keeper.token).then(
          (info) => {
            if (info.status === 'ready' || info.status === 'failed' || info.hls) retry();
            else {
              if (info.status) this.emit('processing', processingOf(info));
              poll();
            }
          },
          (err: unknown) => {
            if (ReelkitError.from(err).code !== 'video_not_ready') {
              this.emit('error', { error: ReelkitError.from(err), fatal: false });
            }
            if (!this.destroyed) poll();
          },
        );
      }, interval);
    };
    poll();
    if (!realtime) return;
    const onEvent = (e: VideoEvent) => {
      if (e.type === 'progress')
        this.emit('processing', { status: 'processing', stage: e.stage, percent: e.percent });
      else if (e.type === 'state') {
        if (e.status === 'ready') retry();
        else if (e.status === 'failed')
          this.fail(
            new ReelkitError(e.error?.code ?? 'transcode_failed', e.error?.message ?? 'Processing failed'),
          );
        else
          this.emit('processing', { status: e.status, stage: e.progress.stage, percent: e.progress.percent });
      } else if (e.type === 'ready') retry();
      else if (e.type === 'failed') this.fail(new ReelkitError(e.code, e.message));
      else if (e.type === 'deleted')
        this.fail(new ReelkitError('video_not_found', 'The video was deleted', 404));
    };
    this.subscription = subscribe(this.videoId, onEvent, {
      apiBase: this.options.apiBase,
      keeper: this.keeper,
      onError: (error) => this.emit('error', { error, fatal: false }),
    });
  }

  /** Tries each engine in order until one loads. */
  private async attach(
    info: Pick<PlaybackDescriptor, 'hls' | 'mp4'>,
    wanted: () => boolean = () => true,
  ): Promise<void> {
    const caps = detectCapabilities(this.video);
    const planned =
      this.options.engines ?? chooseEngines(caps, { hls: Boolean(info.hls), mp4: Boolean(info.mp4) });
    for (const engine of planned) {
      if (this.destroyed) return;
      if (engine === 'hls.js' && info.hls) {
        const { startHls, hlsTracks } = await loadHlsEngine();
        if (this.destroyed || !wanted()) return;
        this.loadingSource = true;
        this.chosenEngine = 'hls.js';
        this.hlsInstance = startHls({
          video: this.video,
          url: info.hls,
          tokens: this.keeper,
          startLevel: this.options.startLevel,
          hlsConfig: this.options.hlsConfig,
          onLevelSwitched: (index, auto) => {
            this.playingIndex = index;
            this.emit('levelchange', { level: this.levels[index], auto });
          },
          onError: (error, fatal) => (fatal ? this.fail(error) : this.emit('error', { error, fatal })),
        });
        if (this.hlsInstance) {
          this.tracks = hlsTracks(this.hlsInstance, this.emitTrack);
          return;
        }
        this.loadingSource = false;
        this.chosenEngine = undefined;
        continue;
      }
      const url = engine === 'mp4' ? info.mp4 : info.hls;
      if (!url) continue;
      this.chosenEngine = engine;
      this.attachSource(url);
      // The element's own track lists (Safari's HLS renditions, a <track>): a small lazy chunk.
      // Captions are not worth failing playback over: a chunk that does not load leaves them empty.
      import('./native-tracks.js').then(
        ({ nativeTracks }) => {
          if (!this.destroyed && this.source === url) this.tracks = nativeTracks(this.video, this.emitTrack);
        },
        () => undefined,
      );
      return;
    }
    throw new ReelkitError('playback_unsupported', 'This browser can play none of the video’s sources');
  }

  private attachSource(url: string): void {
    this.loadingSource = true;
    this.source = url;
    this.video.src = this.keeper.token ? withPlaybackToken(url, this.keeper.token) : url;
    this.video.load();
  }

  private detachEngine(): void {
    this.tracks?.destroy();
    this.tracks = undefined;
    this.hlsInstance?.destroy();
    this.hlsInstance = undefined;
    if (this.source !== undefined || this.chosenEngine) {
      this.video.removeAttribute('src');
      this.video.load();
    }
    this.source = undefined;
  }

  /**
   * Native HLS and MP4 requests cannot be rewritten: when one fails (an expired token, most likely)
   * the source is swapped for one with a fresh token at the same position.
   */
  private recoverSource(): boolean {
    const url = this.source;
    if (!url || this.tokenRecoveries++ >= 1 || !this.keeper.canRenew) return false;
    const at = this.video.currentTime;
    const resume = !this.video.paused || this.wantPlay;
    this.keeper.renew().then(
      (token) => {
        if (this.destroyed) return;
        this.pendingSeek = at;
        this.wantPlay = resume;
        this.loadingSource = true;
        this.video.src = withPlaybackToken(url, token);
        this.video.load();
      },
      (err: unknown) => this.fail(ReelkitError.from(err)),
    );
    return true;
  }

  private bindMediaEvents(): void {
    const v = this.video;
    const listen = (type: string, fn: () => void) => {
      v.addEventListener(type, fn);
      this.cleanups.push(() => v.removeEventListener(type, fn));
    };
    listen('loadedmetadata', () => {
      if (!this.loadingSource || this.destroyed) return;
      this.loadingSource = false;
      if (this.pendingSeek !== undefined) {
        v.currentTime = this.pendingSeek;
        this.pendingSeek = undefined;
      }
      const first = this.currentState === 'loading';
      if (first) {
        this.setState('ready');
        this.emit('ready', { engine: this.chosenEngine!, duration: v.duration, levels: this.levels });
      }
      if (this.wantPlay) {
        v.play().catch((err: unknown) =>
          this.emit('error', {
            error: new ReelkitError('aborted', 'The browser refused to start playback', 0, undefined, {
              cause: err,
            }),
            fatal: false,
          }),
        );
      }
    });
    listen('playing', () => {
      this.tokenRecoveries = 0;
      this.setState('playing');
    });
    listen('pause', () => {
      if (!v.ended && this.chosenEngine && !this.loadingSource) this.setState('paused');
    });
    listen('waiting', () => {
      if (this.chosenEngine && !v.paused) this.setState('buffering');
    });
    listen('ended', () => this.setState('ended'));
    listen('timeupdate', () => this.emit('timeupdate', { currentTime: v.currentTime, duration: v.duration }));
    listen('error', () => {
      if (!this.source || this.destroyed) return; // hls.js reports its own errors
      if (this.recoverSource()) return;
      const mediaError = v.error;
      this.fail(
        new ReelkitError(
          mediaError?.code === 2 ? 'network_error' : 'media_error',
          mediaError?.message || `Media error ${mediaError?.code ?? ''}`.trim(),
        ),
      );
    });
  }
}

/**
 * Plays a Reelkit video in a `<video>` element. hls.js (loaded on first use) plays it wherever
 * Media Source Extensions exist; native HLS only where they do not; the progressive MP4 as a last
 * resort. A video still processing is followed live and starts by itself once ready; the playback
 * token is renewed through `getToken` before it expires, without interrupting playback.
 *
 * @example
 * ```ts
 * const player = createPlayer(document.querySelector('video')!, {
 *   videoId,
 *   apiBase: 'https://video.example.com',
 *   getToken: async (id) => (await fetch(`/my-backend/playback-token/${id}`)).json(),
 * });
 * player.on('ready', ({ levels }) => renderQualityMenu(levels));
 * player.on('error', ({ error }) => console.warn(error.code));
 * ```
 */
export function createPlayer(video: HTMLVideoElement, options: PlayerOptions): Player {
  if (!video || typeof video.canPlayType !== 'function')
    throw new TypeError('createPlayer needs a <video> element');
  if (!options?.videoId || !options.apiBase) throw new TypeError('createPlayer needs videoId and apiBase');
  return new ReelkitPlayer(video, options);
}

/**
 * The `processing` event of a playback answer: the server's stage while the video is
 * `processing`, else (or from a server that sends no progress) the status itself.
 */
export function processingOf(info: ProcessingState): PlayerEvents['processing'] {
  const status = info.status ?? 'processing';
  return status === 'processing' && info.progress
    ? { status, stage: info.progress.stage, percent: info.progress.percent }
    : { status, stage: status, percent: 0 };
}
