import {
  createPlayer,
  type AudioTrackInfo,
  type GetToken,
  type PlaybackInfo,
  type Player,
  type PlayerEvents,
  type PlayerState,
  type QualityLevel,
  type TextTrackInfo,
} from '@reelkit/player-sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EmbedErrorCode } from './error-message.js';

/** What the controller needs to start a player: the element's attributes, read on every update. */
export interface PlayerSource {
  videoId: string;
  apiBase: string;
  token?: string | undefined;
  /** The signed master playlist URL (the SDK's `src`). */
  src?: string | undefined;
  getToken?: GetToken | undefined;
  autoplay: boolean;
  startTime?: number | undefined;
}

/** The playback descriptor as the API answers it (the SDK's type plus the title the server adds). */
export type PlaybackDescriptor = PlaybackInfo & { title?: string };

/** Where the element is: the SDK's states, plus `idle` before a player exists. */
export type ElementState = PlayerState | 'idle';

/** Options of {@link SdkPlayerController}. */
export interface SdkPlayerControllerOptions {
  /** The `<video>` the player plays into (the host's; it may not be rendered yet). */
  video(): HTMLVideoElement | null | undefined;
  /** The current source; a change of video, API, token or getToken starts a new player. */
  source(): PlayerSource;
  /** Every SDK event, for the host to re-dispatch. */
  onEvent<K extends keyof PlayerEvents>(type: K, detail: PlayerEvents[K]): void;
  /** Called when a source is incomplete (no video id or API base). */
  onMissingSource?(): void;
}

const PLAYBACK_PATH = /\/v1\/videos\/[^/?#]+\/playback(?:[?#]|$)/;

/**
 * Owns one SDK player for a Lit host: creates it once the `<video>` exists, replaces it when the
 * source changes, and destroys it when the host leaves the document (a move within the document —
 * disconnect then connect in the same task — keeps it). Mirrors the SDK's state, levels, processing
 * progress and fatal error as fields the host renders, and captures the playback descriptor
 * (poster, storyboard, aspect ratio, title) from the SDK's own request to the API through a
 * wrapping `fetch`, so no second request is made.
 */
export class SdkPlayerController implements ReactiveController {
  /** The SDK player, while one exists. */
  player: Player | undefined;
  state: ElementState = 'idle';
  levels: QualityLevel[] = [];
  playingLevel: QualityLevel | undefined;
  /** Subtitle and caption tracks, and the one shown. */
  textTracks: TextTrackInfo[] = [];
  textTrack: TextTrackInfo | undefined;
  /** Audio tracks, and the one heard. */
  audioTracks: AudioTrackInfo[] = [];
  audioTrack: AudioTrackInfo | undefined;
  processing: PlayerEvents['processing'] | undefined;
  /** The fatal error, in the `error` state. */
  error: { code: EmbedErrorCode; message: string; status: number } | undefined;
  /** The latest playback descriptor the API sent. */
  info: PlaybackDescriptor | undefined;

  private key: string | undefined;
  private getTokenRef: GetToken | undefined;
  private offs: Array<() => void> = [];
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost & Element,
    private readonly options: SdkPlayerControllerOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.player) return; // moved within the document: the player carries on
    // Connected (or back after a real removal) with a complete source: start now, so the first
    // playlist request does not wait for the host's render. Otherwise hostUpdated starts it once
    // the attributes are there (a framework may set them just after connecting the element).
    const source = this.options.source();
    if (source.videoId && source.apiBase && this.options.video()) this.sync();
    else this.host.requestUpdate();
  }

  hostUpdated(): void {
    this.sync();
  }

  hostDisconnected(): void {
    queueMicrotask(() => {
      if (!this.host.isConnected) this.stop();
    });
  }

  /** Starts, keeps or replaces the player to match the source. */
  private sync(): void {
    if (!this.host.isConnected) return;
    const video = this.options.video();
    if (!video) return;
    const source = this.options.source();
    const key = JSON.stringify([source.videoId, source.apiBase, source.token ?? '', source.src ?? '']);
    if (key === this.key && source.getToken === this.getTokenRef && this.player) return;
    this.stop();
    this.key = key;
    this.getTokenRef = source.getToken;
    if (!source.videoId || !source.apiBase) {
      this.state = 'error';
      this.error = { code: 'missing_attributes', message: 'video-id and api-base are required', status: 0 };
      this.options.onMissingSource?.();
      this.host.requestUpdate();
      return;
    }
    this.state = 'loading';
    this.error = undefined;
    this.processing = undefined;
    this.info = undefined;
    const player = createPlayer(video, {
      videoId: source.videoId,
      apiBase: source.apiBase,
      ...(source.token ? { token: source.token } : {}),
      ...(source.src ? { src: source.src } : {}),
      ...(source.getToken ? { getToken: source.getToken } : {}),
      autoplay: source.autoplay,
      ...(source.startTime !== undefined && source.startTime > 0 ? { startTime: source.startTime } : {}),
      fetch: this.capturingFetch(),
    });
    this.player = player;
    const on = <K extends keyof PlayerEvents>(type: K, fn?: (e: PlayerEvents[K]) => void) => {
      this.offs.push(
        player.on(type, (e) => {
          fn?.(e);
          this.options.onEvent(type, e);
          this.host.requestUpdate();
        }),
      );
    };
    on('statechange', ({ state }) => (this.state = state));
    on('ready', ({ levels }) => (this.levels = levels));
    on('levelchange', ({ level }) => {
      this.playingLevel = level;
      this.levels = player.levels;
    });
    on('processing', (e) => (this.processing = mergeProgress(this.processing, e)));
    on('error', ({ error, fatal }) => {
      if (fatal) this.error = { code: error.code, message: error.message, status: error.status };
    });
    on('texttrackschange', ({ tracks }) => {
      this.textTracks = tracks;
      this.textTrack = player.textTrack;
    });
    on('texttrackchange', ({ track }) => (this.textTrack = track));
    on('audiotrackschange', ({ tracks }) => {
      this.audioTracks = tracks;
      this.audioTrack = player.audioTrack;
    });
    on('audiotrackchange', ({ track }) => (this.audioTrack = track));
    on('timeupdate');
    on('tokenrenewed');
    this.state = player.state;
    this.host.requestUpdate();
  }

  /** Destroys the player (the `<video>` is left empty). */
  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.generation++;
    this.player?.destroy();
    this.player = undefined;
    this.key = undefined;
    this.levels = [];
    this.playingLevel = undefined;
    this.textTracks = [];
    this.textTrack = undefined;
    this.audioTracks = [];
    this.audioTrack = undefined;
    if (this.state !== 'error' || this.error?.code !== 'missing_attributes') this.state = 'idle';
  }

  /** `fetch` that hands every playback descriptor the SDK receives to this controller too. */
  private capturingFetch(): typeof fetch {
    const generation = this.generation;
    return async (input, init) => {
      const response = await globalThis.fetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (response.ok && PLAYBACK_PATH.test(url)) {
        response
          .clone()
          .json()
          .then(
            (info: PlaybackDescriptor) => {
              if (generation !== this.generation) return; // a previous player's answer
              this.info = info;
              this.host.requestUpdate();
            },
            () => undefined,
          );
      }
      return response;
    };
  }
}

/**
 * Progress only moves forward: a poll's answer names no stage (its `stage` is the status) and a
 * late event may carry an older percent of the same stage; both keep what is shown.
 */
export function mergeProgress(
  previous: PlayerEvents['processing'] | undefined,
  next: PlayerEvents['processing'],
): PlayerEvents['processing'] {
  if (!previous || previous.stage === previous.status) return next;
  if (next.stage === next.status) return { ...previous, status: next.status };
  if (next.stage === previous.stage && next.percent < previous.percent) return previous;
  return next;
}
