import type {
  AudioTrackInfo,
  GetToken,
  Player,
  PlayerEvents,
  QualityLevel,
  TextTrackInfo,
} from '@reelkit/player-sdk';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { errorMessage, type EmbedErrorCode } from './error-message.js';
import { afterNextFrame } from './first-frame.js';
import { firstRenderSlot } from './first-render.js';
import type { ErrorDetail, ReelkitPlayerEventMap } from './events.js';
import { formatTime, spokenTime } from './format-time.js';
import {
  audioTrackIcon,
  captionsIcon,
  exitFullscreenIcon,
  fullscreenIcon,
  mutedIcon,
  pauseIcon,
  pipIcon,
  playIcon,
  qualityIcon,
  volumeIcon,
} from './icons.js';
import { SdkPlayerController, type ElementState } from './player-controller.js';
import { popupMenu, type PopupMenu } from './popup-menu.js';
import { cueAt, parseStoryboardVtt, type StoryboardCue } from './storyboard.js';
import { playerStyles } from './styles.js';
import {
  audioTrackFor,
  captionToggleTarget,
  pageStorage,
  readTrackPreference,
  writeTrackPreference,
} from './track-preference.js';

/** The frame's aspect ratio until the video's own is known. */
const DEFAULT_RATIO = '16 / 9';
/** The frame's accessible name (followed by the video's title once known). */
const FRAME_LABEL = 'Video player';
/** States in which autoplay's start goes on without the viewer (nothing to show but the video). */
function startsByItself(state: ElementState): boolean {
  return (
    state === 'idle' ||
    state === 'loading' ||
    state === 'ready' ||
    state === 'buffering' ||
    state === 'playing'
  );
}
/** Playback speeds offered in the speed menu. */
export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;

const SEEK_STEP_S = 5;
const VOLUME_STEP = 0.1;
const IDLE_MS = 2500;
/** The longest autoplay's start keeps the control bar back once the video is ready (a stall). */
const STARTUP_MAX_MS = 4000;
/** The `<video>` events the element mirrors (see `onMedia`). */
const MEDIA_EVENTS = [
  'play',
  'pause',
  'ended',
  'timeupdate',
  'durationchange',
  'loadedmetadata',
  'progress',
  'seeking',
  'seeked',
  'volumechange',
  'ratechange',
] as const;

type MenuName = 'captions' | 'audio' | 'quality' | 'speed';

/**
 * `<reelkit-player>`: plays a Reelkit video with the player SDK. While the video is still being
 * processed it shows live progress and starts by itself once ready.
 *
 * ```html
 * <script src="https://video.example.com/embed/reelkit-player.js"></script>
 * <reelkit-player video-id="66f…" token="eyJ…" api-base="https://video.example.com"></reelkit-player>
 * ```
 *
 * Keyboard (when the player has focus): space or `k` play/pause, ←/→ seek 5 s, ↑/↓ volume,
 * `m` mute, `f` full screen, `c` captions on/off; Home/End on the seek bar jump to start/end;
 * Escape closes a menu.
 *
 * Captions and audio: a CC menu (each language, and Off) when the video has text tracks, an audio
 * menu when it has two or more audio tracks. The viewer's choices are kept in `localStorage`
 * (`reelkit-player:tracks`: the caption language or "off", and the audio language) and applied to
 * the next video that has them.
 *
 * @tag reelkit-player
 * @summary The Reelkit video player web component.
 *
 * @fires reelkit-statechange - The state changed: `detail` `{ state, previous }`.
 * @fires reelkit-ready - The video can play: `detail` `{ engine, duration, levels }`.
 * @fires reelkit-processing - Processing progress: `detail` `{ status, stage, percent }`.
 * @fires reelkit-play - Playback was asked to start: `detail` `{ currentTime, duration }`.
 * @fires reelkit-pause - Playback paused: `detail` `{ currentTime, duration }`.
 * @fires reelkit-ended - Playback reached the end: `detail` `{ currentTime, duration }`.
 * @fires reelkit-timeupdate - The position moved: `detail` `{ currentTime, duration }`.
 * @fires reelkit-seeking - A seek started: `detail` `{ currentTime, duration }`.
 * @fires reelkit-seeked - A seek finished: `detail` `{ currentTime, duration }`.
 * @fires reelkit-volumechange - Volume or mute changed: `detail` `{ volume, muted }`.
 * @fires reelkit-ratechange - Speed changed: `detail` `{ playbackRate }`.
 * @fires reelkit-levelchange - The quality played changed: `detail` `{ level, auto }`.
 * @fires reelkit-texttrackschange - The text tracks are known: `detail` `{ tracks }`.
 * @fires reelkit-texttrackchange - Captions turned on, off or to another language: `detail` `{ track }`.
 * @fires reelkit-audiotrackschange - The audio tracks are known: `detail` `{ tracks }`.
 * @fires reelkit-audiotrackchange - Another audio track is heard: `detail` `{ track }`.
 * @fires reelkit-error - Something failed: `detail` `{ code, message, status, fatal }`.
 *
 * @csspart frame - The focusable box (role `region`) that holds everything; keyboard shortcuts work while focus is inside it.
 * @csspart video - The `<video>` element.
 * @csspart overlay - The layer shown while loading, processing or on error.
 * @csspart loading - The loading overlay.
 * @csspart spinner - The loading spinner.
 * @csspart processing - The processing overlay.
 * @csspart processing-label - Its text (stage and percent).
 * @csspart progress - The processing progress bar (role `progressbar`).
 * @csspart error - The error overlay (role `alert`).
 * @csspart error-message - The readable error message.
 * @csspart error-code - The line with the error code.
 * @csspart big-play-button - The large play button shown while paused.
 * @csspart controls - The control bar.
 * @csspart button - Every button of the control bar (together with its own part).
 * @csspart play-button - Play/pause.
 * @csspart seek - The seek bar (role `slider`).
 * @csspart seek-preview - The thumbnail and time shown while hovering the seek bar.
 * @csspart seek-thumbnail - The storyboard thumbnail in the preview.
 * @csspart time - Current time and duration.
 * @csspart mute-button - Mute/unmute.
 * @csspart volume - The volume slider.
 * @csspart captions-button - Opens the captions menu (shown when the video has text tracks).
 * @csspart captions-menu - The captions menu: Off and each language.
 * @csspart audio-button - Opens the audio-track menu (shown with two or more audio tracks).
 * @csspart audio-menu - The audio-track menu.
 * @csspart speed-button - Opens the speed menu.
 * @csspart quality-button - Opens the quality menu.
 * @csspart menu - A popup menu (captions, audio, speed or quality).
 * @csspart menu-item - An item of a menu.
 * @csspart pip-button - Picture-in-picture.
 * @csspart fullscreen-button - Full screen.
 *
 * @cssprop [--reelkit-accent=#4f8cff] - Accent colour: played part of the seek bar, progress, focus ring.
 * @cssprop [--reelkit-color=#fff] - Text and icon colour.
 * @cssprop [--reelkit-background=#000] - Background behind the video.
 * @cssprop [--reelkit-font=14px/1.4 system-ui, sans-serif] - Font shorthand of the controls.
 * @cssprop [--reelkit-radius=0] - Corner radius of the player.
 * @cssprop [--reelkit-controls-background=linear-gradient(transparent, rgb(0 0 0 / 0.85) 40%)] - Background of the control bar and the big play button.
 * @cssprop [--reelkit-overlay-background=rgb(0 0 0 / 0.72)] - Background of the loading, processing and error overlays.
 * @cssprop [--reelkit-menu-background=rgb(20 20 20 / 0.95)] - Background of the menus.
 * @cssprop [--reelkit-track-color=rgb(255 255 255 / 0.3)] - Unplayed part of the seek bar and progress bar.
 * @cssprop [--reelkit-focus-ring=2px solid var(--reelkit-accent)] - Outline of a focused control.
 * @cssprop [--reelkit-cue-color=#fff] - Caption text colour (applied through `video::cue`).
 * @cssprop [--reelkit-cue-background=rgb(0 0 0 / 0.75)] - Background behind caption text.
 * @cssprop [--reelkit-cue-font=1em system-ui, sans-serif] - Font shorthand of captions.
 * @cssprop [--reelkit-cue-text-shadow=none] - Text shadow of captions (e.g. an outline for legibility).
 * @cssprop [--reelkit-captions-lift=64px] - How far captions rise while the control bar shows (Chromium, WebKit).
 * @cssprop --reelkit-aspect-ratio - Overrides the aspect ratio taken from the video's metadata (default 16 / 9 until known).
 */
export class ReelkitPlayer extends LitElement {
  /**
   * The API origin used when `api-base` is not set. The IIFE build sets it to the origin it was
   * loaded from, so `<script src="https://video.example.com/embed/reelkit-player.js">` needs no
   * `api-base`.
   */
  static defaultApiBase = '';

  static override properties = {
    videoId: { type: String, attribute: 'video-id', reflect: true },
    apiBase: { type: String, attribute: 'api-base', reflect: true },
    token: { type: String },
    src: { type: String },
    getToken: { attribute: false },
    autoplay: { type: Boolean, reflect: true },
    muted: { type: Boolean, reflect: true },
    loop: { type: Boolean, reflect: true },
    playsinline: { type: Boolean, reflect: true },
    poster: { type: String, reflect: true },
    startTime: { type: Number, attribute: 'start-time', reflect: true },
    state: { type: String, reflect: true },
    currentTime: { state: true, attribute: false },
    duration: { state: true, attribute: false },
    paused: { state: true, attribute: false },
    volume: { state: true, attribute: false },
    playbackRate: { state: true, attribute: false },
    fullscreen: { state: true, attribute: false },
    openMenu: { state: true, attribute: false },
    preview: { state: true, attribute: false },
    idle: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    storyboard: { state: true, attribute: false },
  };

  static override styles = playerStyles;

  /** The id of the video to play (`video-id`). */
  videoId = '';
  /** The Reelkit API origin, e.g. `https://video.example.com` (`api-base`). */
  apiBase = '';
  /** A playback token for the video (`token`); not needed for a public video. */
  token = '';
  /**
   * The video's signed HLS master playlist URL (`src`): the `playback.hls` your backend got with the
   * token (`POST /v1/videos/:id/playback-tokens`). With it, playback starts without first asking
   * the API for the video's URLs (the SDK's `src` option); `token` may then be left out.
   * @defaultValue `''`: the URLs come from `GET /v1/videos/:id/playback`
   */
  src = '';
  /**
   * Returns a fresh playback token before the current one expires (property only). Without it an
   * unlisted or private video stops playing when its token expires.
   */
  getToken: GetToken | undefined = undefined;
  /** Start playing once ready (`autoplay`; browsers usually require `muted` too). */
  autoplay = false;
  /** Sound off (`muted`); follows the mute button and the `m` key. */
  muted = false;
  /** Start again at the end (`loop`). */
  loop = false;
  /** Play inline on iOS instead of full screen (`playsinline`). */
  playsinline = false;
  /**
   * Poster image URL (`poster`); defaults to the video's own poster (a generated one for an
   * audio-only video, shown while it plays, autoplay or not). With `autoplay` it is not
   * fetched unless the browser refuses to start playback, since the first frame replaces it at once.
   */
  poster = '';
  /** Position in seconds to start from (`start-time`). */
  startTime = 0;
  /**
   * Read-only, reflected for styling (`reelkit-player[state='playing']`): `idle`, `loading`,
   * `processing`, `ready`, `playing`, `paused`, `buffering`, `ended` or `error`.
   */
  state: ElementState = 'idle';

  /** Current position in seconds. */
  currentTime = 0;
  /** Duration in seconds (NaN until known). */
  duration = Number.NaN;
  /** Whether playback is paused. */
  paused = true;
  /** Volume, 0–1. */
  volume = 1;
  /** Playback speed. */
  playbackRate = 1;
  /** Whether the player is full screen. */
  fullscreen = false;

  private openMenu: MenuName | undefined = undefined;
  private preview: { time: number; x: number } | undefined = undefined;
  private idle = false;
  private announcement = '';
  private storyboard: StoryboardCue[] = [];
  private storyboardUrl: string | undefined;
  /**
   * Set by the first hover or scrub of the seek bar: until then the storyboard is not fetched, so
   * the first playlists and segment have the connection to themselves.
   */
  private storyboardWanted = false;
  /** The browser refused autoplay: the poster is shown after all. */
  private autoplayRefused = false;
  /** Renders the first time now, while the first render waits for autoplay's first frame. */
  private releaseFirstRender: (() => void) | undefined;
  /** Autoplay's start is over (see {@link ReelkitPlayer.starting}). */
  private startupDone = false;
  private startupTimer: ReturnType<typeof setTimeout> | undefined;
  private cancelFrameWait: (() => void) | undefined;
  private buffered = 0;
  /** The caption language last shown on this page, for `c` to turn back on. */
  private lastCaptions: string | undefined;
  private dragging = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The `<video>` and its frame (`part="frame"`), made with the element rather than by its first
   * render: they are in the shadow root from the moment it is connected (see
   * {@link ReelkitPlayer.createRenderRoot}), so the player starts then, on a video laid out at its
   * real size, and the first playlist request leaves before that render
   * ({@link ReelkitPlayer.scheduleUpdate}).
   */
  private readonly video: HTMLVideoElement = this.makeVideo();
  private readonly frame: HTMLDivElement = this.makeFrame();
  private readonly controller = new SdkPlayerController(this, {
    video: () => this.video,
    source: () => ({
      videoId: this.videoId,
      apiBase: this.apiBase || ReelkitPlayer.defaultApiBase,
      token: this.token || undefined,
      src: this.src || undefined,
      getToken: this.getToken,
      autoplay: this.autoplay,
      startTime: this.startTime || undefined,
    }),
    onEvent: (type, detail) => {
      this.forward(type, detail);
      this.releaseFirstRenderIfNeeded();
    },
    onMissingSource: () => this.fireError({ code: 'missing_attributes', message: '', status: 0 }, true),
  });
  private readonly onFullscreenChange = () => {
    this.fullscreen = document.fullscreenElement === this;
  };

  /** The SDK player while one exists (an escape hatch: its API is the SDK's). */
  get player(): Player | undefined {
    return this.controller.player;
  }

  /** Qualities to choose from (empty until ready, and with native HLS or MP4). */
  get levels(): QualityLevel[] {
    return this.controller.levels;
  }

  /** The chosen quality index, or `'auto'`; setting it switches at once. */
  get currentLevel(): number | 'auto' {
    return this.controller.player?.currentLevel ?? 'auto';
  }
  set currentLevel(level: number | 'auto') {
    const player = this.controller.player;
    if (!player) return;
    player.currentLevel = level;
    this.requestUpdate();
  }

  /** Subtitle and caption tracks (empty until known, and when the video has none). */
  get textTracks(): TextTrackInfo[] {
    return this.controller.textTracks;
  }

  /** The text track shown, or undefined when captions are off. */
  get textTrack(): TextTrackInfo | undefined {
    return this.controller.textTrack;
  }

  /** Audio tracks (the menu appears when there are two or more). */
  get audioTracks(): AudioTrackInfo[] {
    return this.controller.audioTracks;
  }

  /** The audio track heard, if known. */
  get audioTrack(): AudioTrackInfo | undefined {
    return this.controller.audioTrack;
  }

  /**
   * Shows captions in `language` (BCP 47; `fr` also finds `fr-CA`), or hides them with `null`.
   * False when the video has no such track. Unlike the viewer's choice in the menu or with `c`,
   * this is not remembered.
   */
  setTextTrack(language: string | null): boolean {
    return this.controller.player?.setTextTrack(language) ?? false;
  }

  /** Switches to the audio track `id` (from {@link ReelkitPlayer.audioTracks}); false when there is none. */
  setAudioTrack(id: string): boolean {
    return this.controller.player?.setAudioTrack(id) ?? false;
  }

  /** Plays (waiting for readiness if needed). Rejects when the browser refuses to start. */
  play(): Promise<void> {
    return this.controller.player?.play() ?? Promise.resolve();
  }

  /** Pauses. */
  pause(): void {
    this.controller.player?.pause();
  }

  /** Jumps to `seconds` (clamped to the video). */
  seek(seconds: number): void {
    const max = Number.isFinite(this.duration) ? this.duration : Number.POSITIVE_INFINITY;
    this.controller.player?.seek(Math.max(0, Math.min(max, seconds)));
  }

  /**
   * The shadow root holds the frame, with the video in it, before anything renders; Lit renders the
   * rest (overlay, controls) into the frame, after the video. hls.js caps its first rung to the
   * video's size, which a video not yet in the page would not have.
   */
  protected override createRenderRoot(): HTMLElement {
    const shadow = super.createRenderRoot();
    this.renderOptions.renderBefore = null;
    shadow.appendChild(this.frame);
    return this.frame;
  }

  override connectedCallback(): void {
    // Before the controller starts the player in super.connectedCallback(): `muted` must hold for autoplay.
    this.syncVideo();
    super.connectedCallback();
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
    clearTimeout(this.idleTimer);
    // Re-armed by the next update if the element comes back while still starting.
    clearTimeout(this.startupTimer);
    this.startupTimer = undefined;
    this.cancelFrameWait?.();
    this.cancelFrameWait = undefined;
  }

  /**
   * The first render waits when the player started at connection: its first requests are then on
   * their way while the element builds its shadow content, instead of after. With autoplay it waits
   * for the first frame (at most a second, see {@link firstRenderSlot}) unless the start needs the
   * viewer sooner, otherwise for the next task.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.hasUpdated || !this.controller.player) return super.scheduleUpdate();
    return firstRenderSlot(this.autoplay ? this.video : undefined, (release) => {
      this.releaseFirstRender = release;
    }).then(() => {
      this.releaseFirstRender = undefined;
      return super.scheduleUpdate();
    });
  }

  /** Renders at once if autoplay's start now needs the viewer (refused, failed, processing, paused). */
  private releaseFirstRenderIfNeeded(): void {
    if (!this.releaseFirstRender) return;
    if (this.autoplayRefused || !startsByItself(this.controller.state)) this.releaseFirstRender();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.state = this.controller.state;
    this.followStartup();
    this.syncVideo(changed);
    this.syncFrame();
    const sb = this.controller.info?.storyboard ?? undefined;
    if (sb !== this.storyboardUrl) {
      this.storyboardUrl = sb;
      this.storyboard = [];
      if (sb && this.storyboardWanted) void this.loadStoryboard(sb);
    }
  }

  /**
   * Autoplay's start: until the video's first frame is on screen the element renders the video and
   * the loading overlay only. The control bar, its menus and the big play button come with the
   * first frame, so hls.js has the main thread to itself while it handles the first playlists and
   * segment (their first render is the largest piece of the element's own work). Without
   * `autoplay`, or once playback cannot start by itself (refused, paused, ended, failed), everything
   * renders at once; a start stalled for {@link STARTUP_MAX_MS} after the video is ready shows the
   * controls too.
   */
  private get starting(): boolean {
    if (this.startupDone || !this.autoplay || this.autoplayRefused) return false;
    return startsByItself(this.state);
  }

  /** Moves autoplay's start on from the state just taken over (called before each render). */
  private followStartup(): void {
    if (this.startupDone || !this.autoplay) return;
    const s = this.state;
    if (!this.starting && s !== 'processing') {
      this.endStartup();
      return;
    }
    if ((s === 'ready' || s === 'buffering' || s === 'playing') && !this.startupTimer)
      this.startupTimer = setTimeout(() => this.endStartup(), STARTUP_MAX_MS);
    if (s === 'playing' && !this.cancelFrameWait)
      this.cancelFrameWait = afterNextFrame(this.video, () => this.endStartup());
  }

  private endStartup(): void {
    if (this.startupDone) return;
    this.startupDone = true;
    clearTimeout(this.startupTimer);
    this.startupTimer = undefined;
    this.cancelFrameWait?.();
    this.cancelFrameWait = undefined;
    this.requestUpdate();
  }

  /** The viewer hovers or scrubs the seek bar: the thumbnails are worth fetching now. */
  private wantStoryboard(): void {
    if (this.storyboardWanted) return;
    this.storyboardWanted = true;
    if (this.storyboardUrl) void this.loadStoryboard(this.storyboardUrl);
  }

  /**
   * The poster, only when it will be seen: not while autoplay is about to show the first frame
   * (the request would compete with the first playlists and segment), unless the browser refused.
   */
  private get posterUrl(): string | undefined {
    // An audio-only video never draws a frame over its poster: it shows it while it plays.
    const audioOnly = this.controller.info?.mediaType === 'audio';
    if (this.autoplay && !this.autoplayRefused && !audioOnly) return undefined;
    return this.poster || this.controller.info?.poster || undefined;
  }

  private makeVideo(): HTMLVideoElement {
    const video = document.createElement('video');
    video.setAttribute('part', 'video');
    const onMedia = (e: Event) => this.onMedia(e);
    for (const type of MEDIA_EVENTS) video.addEventListener(type, onMedia);
    video.addEventListener('click', () => this.togglePlay());
    return video;
  }

  private makeFrame(): HTMLDivElement {
    const frame = document.createElement('div');
    frame.setAttribute('part', 'frame');
    frame.setAttribute('role', 'region');
    frame.tabIndex = 0;
    frame.addEventListener('keydown', (e) => this.onKeydown(e));
    frame.addEventListener('pointermove', () => this.bumpIdle());
    frame.style.setProperty('--_ratio', DEFAULT_RATIO);
    frame.setAttribute('aria-label', FRAME_LABEL);
    frame.append(this.video);
    return frame;
  }

  /**
   * The frame's attributes: the video's aspect ratio and title once known, and whether idle. Written
   * only when they change: each write would have the browser recompute the frame's style.
   */
  private syncFrame(): void {
    const frame = this.frame;
    const info = this.controller.info;
    const ratio = info?.aspectRatio && info.aspectRatio > 0 ? String(info.aspectRatio) : DEFAULT_RATIO;
    if (frame.style.getPropertyValue('--_ratio') !== ratio) frame.style.setProperty('--_ratio', ratio);
    const label = info?.title ? `${FRAME_LABEL}: ${info.title}` : FRAME_LABEL;
    if (frame.getAttribute('aria-label') !== label) frame.setAttribute('aria-label', label);
    frame.classList.toggle('idle', this.idle);
  }

  /** The `<video>`'s attributes from the element's (all of them without `changed`). */
  private syncVideo(changed?: PropertyValues<this>): void {
    const video = this.video;
    if (!changed || changed.has('muted')) video.muted = this.muted;
    if (!changed || changed.has('loop')) video.loop = this.loop;
    if (!changed || changed.has('playsinline')) video.toggleAttribute('playsinline', this.playsinline);
    const poster = this.posterUrl;
    if (!poster) video.removeAttribute('poster');
    else if (video.getAttribute('poster') !== poster) video.setAttribute('poster', poster);
  }

  private async loadStoryboard(url: string): Promise<void> {
    try {
      const res = await fetch(url);
      if (!res.ok) return;
      const cues = parseStoryboardVtt(await res.text(), url);
      if (this.storyboardUrl === url) this.storyboard = cues;
    } catch {
      // The preview shows the time only.
    }
  }

  private dispatch<K extends keyof ReelkitPlayerEventMap>(
    type: K,
    detail: ReelkitPlayerEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private fireError(error: { code: EmbedErrorCode; message: string; status: number }, fatal: boolean): void {
    const detail: ErrorDetail = {
      code: error.code,
      message: errorMessage(error.code),
      status: error.status,
      fatal,
    };
    this.dispatch('reelkit-error', detail);
  }

  /** SDK events → DOM events. */
  private forward<K extends keyof PlayerEvents>(type: K, detail: PlayerEvents[K]): void {
    switch (type) {
      case 'statechange':
        this.dispatch('reelkit-statechange', detail as PlayerEvents['statechange']);
        break;
      case 'ready':
        this.dispatch('reelkit-ready', detail as PlayerEvents['ready']);
        break;
      case 'processing':
        this.dispatch('reelkit-processing', detail as PlayerEvents['processing']);
        break;
      case 'levelchange':
        this.dispatch('reelkit-levelchange', detail as PlayerEvents['levelchange']);
        break;
      case 'timeupdate':
        this.dispatch('reelkit-timeupdate', detail as PlayerEvents['timeupdate']);
        break;
      // The stored preference is read only when there is a choice to apply: reading localStorage
      // first in a page can block the main thread for tens of ms (a synchronous load of the
      // origin's storage), and these events come while hls.js handles the first playlists.
      case 'texttrackschange': {
        const { tracks } = detail as PlayerEvents['texttrackschange'];
        const remembered = tracks.length ? readTrackPreference(pageStorage()).text : undefined;
        if (remembered !== undefined) this.player?.setTextTrack(remembered);
        this.dispatch('reelkit-texttrackschange', { tracks });
        break;
      }
      case 'texttrackchange': {
        const { track } = detail as PlayerEvents['texttrackchange'];
        if (track) this.lastCaptions = track.language;
        this.dispatch('reelkit-texttrackchange', { track });
        break;
      }
      case 'audiotrackschange': {
        const { tracks } = detail as PlayerEvents['audiotrackschange'];
        const id =
          tracks.length > 1 ? audioTrackFor(tracks, readTrackPreference(pageStorage()).audio) : undefined;
        if (id && id !== this.player?.audioTrack?.id) this.player?.setAudioTrack(id);
        this.dispatch('reelkit-audiotrackschange', { tracks });
        break;
      }
      case 'audiotrackchange':
        this.dispatch('reelkit-audiotrackchange', detail as PlayerEvents['audiotrackchange']);
        break;
      case 'error': {
        const { error, fatal } = detail as PlayerEvents['error'];
        // The SDK's play() on ready was refused (autoplay policy): the video stays on its poster.
        if (!fatal && error.code === 'aborted' && !this.autoplayRefused) {
          this.autoplayRefused = true;
          this.requestUpdate();
        }
        this.fireError(error, fatal);
        break;
      }
      default:
        break;
    }
  }

  /** Media element events: mirror its state and re-dispatch those the SDK does not. */
  private onMedia(e: Event): void {
    const v = e.currentTarget as HTMLVideoElement;
    this.currentTime = v.currentTime;
    this.duration = v.duration;
    this.paused = v.paused;
    this.volume = v.volume;
    this.playbackRate = v.playbackRate;
    if (v.buffered.length) this.buffered = v.buffered.end(v.buffered.length - 1);
    const time = { currentTime: v.currentTime, duration: v.duration };
    switch (e.type) {
      case 'play':
        this.dispatch('reelkit-play', time);
        this.bumpIdle();
        break;
      case 'pause':
        this.dispatch('reelkit-pause', time);
        this.idle = false;
        break;
      case 'ended':
        this.dispatch('reelkit-ended', time);
        this.idle = false;
        break;
      case 'seeking':
        this.dispatch('reelkit-seeking', time);
        break;
      case 'seeked':
        this.dispatch('reelkit-seeked', time);
        break;
      case 'ratechange':
        this.dispatch('reelkit-ratechange', { playbackRate: v.playbackRate });
        break;
      case 'volumechange':
        this.muted = v.muted;
        this.dispatch('reelkit-volumechange', { volume: v.volume, muted: v.muted });
        break;
      default:
        break;
    }
  }

  private get playable(): boolean {
    const s = this.state;
    return s === 'ready' || s === 'playing' || s === 'paused' || s === 'buffering' || s === 'ended';
  }

  private togglePlay(): void {
    const v = this.video;
    if (!this.playable) return;
    if (v.paused || v.ended) this.play().catch(() => undefined);
    else this.pause();
  }

  private toggleMute(): void {
    const v = this.video;
    v.muted = !v.muted;
    if (!v.muted && v.volume === 0) v.volume = 0.5;
    this.announce(v.muted ? 'Muted' : `Volume ${Math.round(v.volume * 100)}%`);
  }

  private setVolume(volume: number): void {
    const v = this.video;
    v.volume = Math.max(0, Math.min(1, Math.round(volume * 100) / 100));
    v.muted = v.volume === 0;
    this.announce(v.muted ? 'Muted' : `Volume ${Math.round(v.volume * 100)}%`);
  }

  private seekBy(delta: number): void {
    const v = this.video;
    if (!this.playable) return;
    this.seek(v.currentTime + delta);
  }

  private async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement === this) await document.exitFullscreen();
      else if (this.requestFullscreen) await this.requestFullscreen();
      else
        (this.video as HTMLVideoElement & { webkitEnterFullscreen?: () => void }).webkitEnterFullscreen?.();
    } catch {
      // Refused (no user gesture, or not allowed in this frame): nothing to do.
    }
  }

  private async togglePip(): Promise<void> {
    const v = this.video;
    try {
      if (document.pictureInPictureElement === v) await document.exitPictureInPicture();
      else await v.requestPictureInPicture();
    } catch {
      // Not allowed here (e.g. before metadata): the button stays as it is.
    }
  }

  private get pipSupported(): boolean {
    return typeof document !== 'undefined' && document.pictureInPictureEnabled === true;
  }

  private announce(text: string): void {
    this.announcement = text;
  }

  private bumpIdle(): void {
    this.idle = false;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (!this.paused && !this.openMenu && !this.dragging) this.idle = true;
    }, IDLE_MS);
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.composedPath()[0] as HTMLElement | undefined;
    const tag = target?.tagName;
    const inMenu = target?.getAttribute('role') === 'menuitemradio';
    this.bumpIdle();
    if (inMenu && this.onMenuKey(e, target)) return;
    if (e.key === 'Escape' && this.openMenu) {
      this.closeMenu(true);
      e.preventDefault();
      return;
    }
    const onSlider = target?.getAttribute('role') === 'slider';
    // Native controls keep their own keys: a focused button is pressed by space, the volume
    // slider moves with the arrows.
    if ((tag === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) || tag === 'INPUT') return;
    let handled = true;
    switch (e.key) {
      case ' ':
      case 'k':
      case 'K':
        this.togglePlay();
        break;
      case 'ArrowLeft':
        this.seekBy(-SEEK_STEP_S);
        break;
      case 'ArrowRight':
        this.seekBy(SEEK_STEP_S);
        break;
      case 'ArrowUp':
        this.setVolume((this.video.muted ? 0 : this.volume) + VOLUME_STEP);
        break;
      case 'ArrowDown':
        this.setVolume((this.video.muted ? 0 : this.volume) - VOLUME_STEP);
        break;
      case 'Home':
        if (onSlider) this.seek(0);
        else handled = false;
        break;
      case 'End':
        if (onSlider) this.seek(this.duration);
        else handled = false;
        break;
      case 'm':
      case 'M':
        this.toggleMute();
        break;
      case 'f':
      case 'F':
        void this.toggleFullscreen();
        break;
      case 'c':
      case 'C': {
        const c = this.controller;
        const target = captionToggleTarget(
          c.textTracks,
          c.textTrack,
          readTrackPreference(pageStorage()).text,
          this.lastCaptions,
        );
        if (target === undefined) handled = false;
        else this.chooseText(target);
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  /** Arrow keys, Home/End and Escape inside an open menu. */
  private onMenuKey(e: KeyboardEvent, item: HTMLElement): boolean {
    const items = [...(item.parentElement?.querySelectorAll<HTMLElement>('[role=menuitemradio]') ?? [])];
    const i = items.indexOf(item);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = items[(i + 1) % items.length];
    else if (e.key === 'ArrowUp') next = items[(i - 1 + items.length) % items.length];
    else if (e.key === 'Home') next = items[0];
    else if (e.key === 'End') next = items[items.length - 1];
    else if (e.key === 'Escape' || e.key === 'Tab') {
      this.closeMenu(e.key === 'Escape');
      if (e.key === 'Escape') e.preventDefault();
      return true;
    } else return e.key === ' ' || e.key === 'Enter';
    e.preventDefault();
    next?.focus();
    return true;
  }

  private async toggleMenu(name: MenuName): Promise<void> {
    if (this.openMenu === name) {
      this.closeMenu(true);
      return;
    }
    this.openMenu = name;
    await this.updateComplete;
    const menu = this.renderRoot.querySelector<HTMLElement>(`[data-menu=${name}]`);
    (
      menu?.querySelector<HTMLElement>('[aria-checked=true]') ?? menu?.querySelector<HTMLElement>('button')
    )?.focus();
  }

  private closeMenu(refocus: boolean): void {
    const name = this.openMenu;
    this.openMenu = undefined;
    if (refocus && name) this.renderRoot.querySelector<HTMLElement>(`[data-menu-button=${name}]`)?.focus();
  }

  private chooseLevel(level: number | 'auto'): void {
    try {
      this.currentLevel = level;
    } catch {
      // A level that vanished (the player was replaced): keep the current one.
    }
    this.closeMenu(true);
    this.announce(`Quality ${level === 'auto' ? 'auto' : (this.levels[level]?.name ?? '')}`);
  }

  /** The viewer's caption choice (menu or `c`): applied, remembered for later videos, announced. */
  private chooseText(language: string | null): void {
    this.player?.setTextTrack(language);
    writeTrackPreference(pageStorage(), { text: language });
    this.closeMenu(true);
    const track = language === null ? undefined : this.player?.textTrack;
    this.announce(track ? `Captions: ${track.label}` : 'Captions off');
  }

  /** The viewer's audio choice: applied, its language remembered, announced. */
  private chooseAudio(track: AudioTrackInfo): void {
    this.player?.setAudioTrack(track.id);
    writeTrackPreference(pageStorage(), { audio: track.language || undefined });
    this.closeMenu(true);
    this.announce(`Audio: ${track.label}`);
  }

  private chooseRate(rate: number): void {
    this.video.playbackRate = rate;
    this.closeMenu(true);
    this.announce(`Speed ${rate}×`);
  }

  private seekFraction(e: PointerEvent): number {
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return rect.width ? Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width)) : 0;
  }

  private onSeekPointer(e: PointerEvent): void {
    const bar = e.currentTarget as HTMLElement;
    const fraction = this.seekFraction(e);
    const duration = Number.isFinite(this.duration) ? this.duration : 0;
    if (e.type === 'pointerleave') {
      if (!this.dragging) this.preview = undefined;
      return;
    }
    this.wantStoryboard();
    this.preview = { time: fraction * duration, x: fraction * bar.getBoundingClientRect().width };
    if (e.type === 'pointerdown') {
      this.dragging = true;
      bar.setPointerCapture?.(e.pointerId);
    }
    if (this.dragging && duration) this.seek(fraction * duration);
    if (e.type === 'pointerup' || e.type === 'pointercancel') {
      this.dragging = false;
      this.preview = undefined;
    }
  }

  /** What goes in the frame after the video (the frame and the video are made with the element). */
  override render(): TemplateResult {
    return html`${this.renderOverlay()} ${this.playable && !this.starting ? this.renderControls() : nothing}
      <div class="visually-hidden" aria-live="polite">${this.announcement}</div>`;
  }

  private renderOverlay(): TemplateResult | typeof nothing {
    const s = this.state;
    if (s === 'idle' || s === 'loading' || s === 'buffering' || (s === 'ready' && this.starting))
      return html`<div part="overlay loading" class="overlay ${s === 'buffering' ? 'clear' : ''}">
        <div part="spinner"></div>
        <span class="visually-hidden" role="status">Loading video…</span>
      </div>`;
    if (s === 'processing') {
      const p = this.controller.processing;
      const percent = Math.round(p?.percent ?? 0);
      const stage = p?.stage && p.stage !== p.status ? p.stage : '';
      const label = stage ? `Processing: ${stage} ${percent}%` : `Processing ${p?.status ?? ''}`.trim();
      return html`<div part="overlay processing" class="overlay">
        <p part="processing-label" role="status">${label}…</p>
        <div
          part="progress"
          role="progressbar"
          aria-label="Processing progress"
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${percent}
          aria-valuetext=${stage ? `${stage} ${percent}%` : `${percent}%`}
        >
          <div style="width: ${percent}%"></div>
        </div>
        <p>The video will start when it is ready.</p>
      </div>`;
    }
    if (s === 'error') {
      const err = this.controller.error ?? { code: 'internal_error', message: '', status: 0 };
      return html`<div part="overlay error" class="overlay" role="alert">
        <p part="error-message">${errorMessage(err.code)}</p>
        <p part="error-code">Error code: <code>${err.code}</code></p>
      </div>`;
    }
    if ((this.paused || s === 'ended') && this.playable && !this.starting)
      return html`<button part="big-play-button" aria-label="Play" @click=${this.togglePlay}>
        ${playIcon}
      </button>`;
    return nothing;
  }

  private renderControls(): TemplateResult {
    const duration = Number.isFinite(this.duration) ? this.duration : 0;
    const played = duration ? (this.currentTime / duration) * 100 : 0;
    const buffered = duration ? Math.min(100, (this.buffered / duration) * 100) : 0;
    const muted = this.muted || this.volume === 0;
    return html`<div part="controls" role="group" aria-label="Player controls">
      <div
        part="seek"
        role="slider"
        tabindex="0"
        aria-label="Seek"
        aria-valuemin="0"
        aria-valuemax=${Math.round(duration)}
        aria-valuenow=${Math.round(this.currentTime)}
        aria-valuetext=${`${spokenTime(this.currentTime)} of ${spokenTime(duration)}`}
        @pointerdown=${this.onSeekPointer}
        @pointermove=${this.onSeekPointer}
        @pointerup=${this.onSeekPointer}
        @pointercancel=${this.onSeekPointer}
        @pointerleave=${this.onSeekPointer}
      >
        <div class="track">
          <div class="buffered" style="width: ${buffered}%"></div>
          <div class="played" style="width: ${played}%"></div>
        </div>
        ${this.preview ? this.renderPreview(this.preview) : nothing}
      </div>
      <button
        part="button play-button"
        aria-label=${this.paused ? 'Play' : 'Pause'}
        @click=${this.togglePlay}
      >
        ${this.paused ? playIcon : pauseIcon}
      </button>
      <button part="button mute-button" aria-label=${muted ? 'Unmute' : 'Mute'} @click=${this.toggleMute}>
        ${muted ? mutedIcon : volumeIcon}
      </button>
      <input
        part="volume"
        type="range"
        min="0"
        max="1"
        step="0.05"
        aria-label="Volume"
        aria-valuetext=${`${Math.round((muted ? 0 : this.volume) * 100)}%`}
        .value=${String(muted ? 0 : this.volume)}
        @input=${(e: Event) => this.setVolume(Number((e.target as HTMLInputElement).value))}
      />
      <span part="time"
        ><span aria-hidden="true">${formatTime(this.currentTime)} / ${formatTime(duration)}</span
        ><span class="visually-hidden">${spokenTime(this.currentTime)} of ${spokenTime(duration)}</span></span
      >
      <span class="spacer"></span>
      ${this.renderMenus()}
      ${
        this.pipSupported
          ? html`<button part="button pip-button" aria-label="Picture in picture" @click=${this.togglePip}>
              ${pipIcon}
            </button>`
          : nothing
      }
      <button
        part="button fullscreen-button"
        aria-label=${this.fullscreen ? 'Exit full screen' : 'Full screen'}
        @click=${this.toggleFullscreen}
      >
        ${this.fullscreen ? exitFullscreenIcon : fullscreenIcon}
      </button>
    </div>`;
  }

  /** Captions, audio, speed and quality menus: each only when it offers a choice. */
  private renderMenus(): Array<TemplateResult | typeof nothing> {
    const c = this.controller;
    const open = this.openMenu;
    const menu = (name: MenuName, rest: Omit<PopupMenu, 'name' | 'open' | 'toggle'>) =>
      popupMenu({ name, open: open === name, toggle: () => void this.toggleMenu(name), ...rest });
    const shown = c.textTrack;
    const heard = c.audioTrack;
    const levels = c.levels;
    const current = this.currentLevel;
    const playing = c.playingLevel;
    const auto = `Auto${playing ? ` (${playing.name})` : ''}`;
    return [
      c.textTracks.length
        ? menu('captions', {
            title: 'Captions',
            buttonLabel: `Captions: ${shown ? shown.label : 'off'}`,
            content: captionsIcon,
            choices: [
              { label: 'Off', checked: !shown, select: () => this.chooseText(null), value: 'off' },
              ...c.textTracks.map((t) => ({
                label: t.label,
                checked: t.id === shown?.id,
                select: () => this.chooseText(t.language),
                value: t.language,
              })),
            ],
          })
        : nothing,
      c.audioTracks.length > 1
        ? menu('audio', {
            title: 'Audio track',
            buttonLabel: `Audio: ${heard?.label ?? 'default'}`,
            content: audioTrackIcon,
            choices: c.audioTracks.map((t) => ({
              label: t.label,
              checked: t.id === heard?.id,
              select: () => this.chooseAudio(t),
              value: t.id,
            })),
          })
        : nothing,
      menu('speed', {
        title: 'Playback speed',
        buttonLabel: `Playback speed: ${this.playbackRate}×`,
        content: `${this.playbackRate}×`,
        text: true,
        choices: PLAYBACK_RATES.map((rate) => ({
          label: rate === 1 ? 'Normal' : `${rate}×`,
          checked: rate === this.playbackRate,
          select: () => this.chooseRate(rate),
        })),
      }),
      levels.length > 1
        ? menu('quality', {
            title: 'Quality',
            buttonLabel: `Quality: ${current === 'auto' ? auto : (levels[current]?.name ?? 'auto')}`,
            content: qualityIcon,
            choices: [
              {
                label: current === 'auto' ? auto : 'Auto',
                checked: current === 'auto',
                select: () => this.chooseLevel('auto'),
              },
              ...[...levels]
                .sort((a, b) => b.height - a.height || b.bitrate - a.bitrate)
                .map((level) => ({
                  label: level.name,
                  checked: current === level.index,
                  select: () => this.chooseLevel(level.index),
                  value: String(level.index),
                })),
            ],
          })
        : nothing,
    ];
  }

  private renderPreview(preview: { time: number; x: number }): TemplateResult {
    const cue = cueAt(this.storyboard, preview.time);
    return html`<div part="seek-preview" style="left: ${preview.x}px" aria-hidden="true">
      ${
        cue
          ? html`<div
              part="seek-thumbnail"
              style="width: ${cue.w}px; height: ${cue.h}px; background-image: url('${cue.url.replace(/'/g, '%27')}'); background-position: -${cue.x}px -${cue.y}px"
            ></div>`
          : nothing
      }
      <span class="preview-time">${formatTime(preview.time)}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reelkit-player': ReelkitPlayer;
  }
  // Typed listeners: `el.addEventListener('reelkit-ready', (e) => e.detail.levels)`.
  interface HTMLElementEventMap extends ReelkitPlayerEventMap {}
}

/** Registers the element once, so loading the script twice is harmless. */
export function defineReelkitPlayer(name = 'reelkit-player'): void {
  if (!customElements.get(name)) customElements.define(name, ReelkitPlayer);
}
