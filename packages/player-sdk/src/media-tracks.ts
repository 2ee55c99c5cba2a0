// Text (subtitle/caption) and audio tracks as the SDK describes them, whatever the engine: the
// types, the mapping from hls.js's `MediaPlaylist` and from the media element's track lists, and
// the choice of a track for a language. Pure; only the engines' lazy chunks import the functions.

/** A subtitle or caption track of the video. */
export interface TextTrackInfo {
  /**
   * Stable id: the caption's id when the playlist URI is Reelkit's `subs/<id>.m3u8`, else the
   * rendition's `STABLE-RENDITION-ID`, else its position.
   */
  id: string;
  /** BCP 47 language tag (e.g. `fr`, `pt-BR`); empty when the playlist names none. */
  language: string;
  /** The name to show (the rendition's `NAME`). */
  label: string;
  /** `captions` (also describe sounds, for viewers who cannot hear) or `subtitles`. */
  kind: 'subtitles' | 'captions';
  /** The playlist marks it as the default (`DEFAULT=YES`). */
  default: boolean;
}

/** An audio track (language, dub, commentary) of the video. */
export interface AudioTrackInfo {
  /**
   * Stable id: the audio track's id when the playlist URI is Reelkit's `audio/<id>/…`, else the
   * rendition's `STABLE-RENDITION-ID`, else its position. Pass it to `setAudioTrack`.
   */
  id: string;
  /** BCP 47 language tag; empty when unknown. */
  language: string;
  /** The name to show. */
  label: string;
  /** Number of audio channels (2 stereo, 6 for 5.1); undefined when the engine does not say. */
  channels: number | undefined;
  /** The playlist marks it as the default. */
  default: boolean;
}

/** The track events of a player (part of `PlayerEvents`). */
export interface TrackEvents {
  /** The list of text tracks changed (loaded, or replaced by another video's). */
  texttrackschange: { tracks: TextTrackInfo[] };
  /** The text track shown changed; `track` is undefined when captions are off. */
  texttrackchange: { track: TextTrackInfo | undefined };
  /** The list of audio tracks changed. */
  audiotrackschange: { tracks: AudioTrackInfo[] };
  /** The audio track heard changed (after the switch took effect). */
  audiotrackchange: { track: AudioTrackInfo | undefined };
}

/** What the player asks of an engine's tracks (made by {@link switcherOf}). */
export interface TrackSwitcher {
  textTracks(): TextTrackInfo[];
  /** The text track shown, if any. */
  textTrack(): TextTrackInfo | undefined;
  audioTracks(): AudioTrackInfo[];
  /** The audio track heard, if known. */
  audioTrack(): AudioTrackInfo | undefined;
  /** Shows the track for `language` (see {@link findLanguage}), or none with null; false when there is none. */
  setTextTrack(language: string | null): boolean;
  /** Switches to the audio track `id`; false when there is none. */
  setAudioTrack(id: string): boolean;
  destroy(): void;
}

/** An engine's tracks by position (hls.js, or the media element's lists). */
export interface TrackEngine {
  textTracks(): TextTrackInfo[];
  /** Index in {@link TrackEngine.textTracks} of the track shown, or -1. */
  textTrack(): number;
  audioTracks(): AudioTrackInfo[];
  /** Index in {@link TrackEngine.audioTracks} of the track heard, or -1. */
  audioTrack(): number;
  /** Shows the track at `index`, or none with -1. */
  showText(index: number): void;
  /** Switches to the audio track at `index`. */
  hearAudio(index: number): void;
  destroy(): void;
}

/** Emits one of {@link TrackEvents}. */
export type EmitTrackEvent = <K extends keyof TrackEvents>(type: K, payload: TrackEvents[K]) => void;

/** The subset of hls.js's `MediaPlaylist` the mapping reads. */
export interface RenditionLike {
  name: string;
  lang?: string | undefined;
  default: boolean;
  url: string;
  characteristics?: string | undefined;
  channels?: string | undefined;
  attrs?: { 'STABLE-RENDITION-ID'?: string | undefined } | undefined;
}

function renditionId(r: RenditionLike, index: number, folder: RegExp): string {
  return folder.exec(r.url.split(/[?#]/)[0]!)?.[1] ?? r.attrs?.['STABLE-RENDITION-ID'] ?? String(index);
}

/** An hls.js subtitle rendition as a {@link TextTrackInfo}. */
export function textTrackOf(r: RenditionLike, index: number): TextTrackInfo {
  return {
    id: renditionId(r, index, /\/subs\/([^/]+)\.m3u8$/),
    language: r.lang ?? '',
    label: r.name,
    // Apple's marker for SDH captions (what `kind: 'captions'` means in the Reelkit API).
    kind: r.characteristics?.includes('transcribes-spoken-dialog') ? 'captions' : 'subtitles',
    default: r.default,
  };
}

/** An hls.js audio rendition as an {@link AudioTrackInfo}. */
export function audioTrackOf(r: RenditionLike, index: number): AudioTrackInfo {
  const channels = Number.parseInt(r.channels ?? '', 10);
  return {
    id: renditionId(r, index, /\/audio\/([^/]+)\/[^/]+$/),
    language: r.lang ?? '',
    label: r.name,
    channels: channels > 0 ? channels : undefined,
    default: r.default,
  };
}

/** The media element's text tracks that carry subtitles or captions (not chapters or metadata). */
export function shownKinds(track: { kind: string }): boolean {
  return track.kind === 'subtitles' || track.kind === 'captions';
}

/** A media element `TextTrack` (native HLS, or a `<track>`) as a {@link TextTrackInfo}. */
export function nativeTextTrackOf(
  t: { id: string; kind: string; language: string; label: string },
  index: number,
): TextTrackInfo {
  return {
    id: t.id || String(index),
    language: t.language,
    label: t.label || t.language || `Track ${index + 1}`,
    kind: t.kind === 'captions' ? 'captions' : 'subtitles',
    default: false,
  };
}

/** A media element `AudioTrack` (Safari) as an {@link AudioTrackInfo}. */
export function nativeAudioTrackOf(
  t: { id: string; kind: string; language: string; label: string },
  index: number,
): AudioTrackInfo {
  return {
    id: t.id || String(index),
    language: t.language,
    label: t.label || t.language || `Track ${index + 1}`,
    channels: undefined,
    default: t.kind === 'main',
  };
}

/**
 * The index of the track for `language`: an exact tag first (case-insensitive), then the same
 * primary language (`fr` finds `fr-CA`, `fr-CA` finds `fr`); among equals the default one. -1 when none.
 */
export function findLanguage(
  tracks: Array<{ language: string; default: boolean }>,
  language: string,
): number {
  const want = language.toLowerCase();
  const primary = want.split('-')[0];
  let best = -1;
  let bestScore = 0;
  tracks.forEach((t, i) => {
    const lang = t.language.toLowerCase();
    const score =
      (!lang ? 0 : lang === want ? 4 : lang.split('-')[0] === primary ? 2 : 0) + (t.default ? 1 : 0);
    if (score > 1 && score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** Selection by language and id over an engine's tracks by position. */
export function switcherOf(engine: TrackEngine): TrackSwitcher {
  return {
    textTracks: () => engine.textTracks(),
    textTrack: () => engine.textTracks()[engine.textTrack()],
    audioTracks: () => engine.audioTracks(),
    audioTrack: () => engine.audioTracks()[engine.audioTrack()],
    setTextTrack(language) {
      const index = language === null ? -1 : findLanguage(engine.textTracks(), language);
      if (language !== null && index < 0) return false;
      engine.showText(index);
      return true;
    },
    setAudioTrack(id) {
      const index = engine.audioTracks().findIndex((t) => t.id === id);
      if (index < 0) return false;
      engine.hearAudio(index);
      return true;
    },
    destroy: () => engine.destroy(),
  };
}
