import type { AudioTrackInfo, TextTrackInfo } from '@reelkit/player-sdk';

/**
 * The viewer's track choices, kept across videos and visits: `text` is the caption language, or
 * `null` for "captions off" (absent: never chosen, so the playlist's default applies); `audio` is
 * the language of the audio track last chosen (ids differ between videos, languages do not).
 */
export interface TrackPreference {
  text?: string | null;
  audio?: string;
}

/** The `localStorage` key of {@link TrackPreference}. */
export const TRACK_PREFERENCE_KEY = 'reelkit-player:tracks';

/** A `Storage` or the part of it used here. */
export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The page's `localStorage`, or undefined where it is refused (sandboxed iframes, some private modes). */
export function pageStorage(): PreferenceStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** Reads the preference; anything unreadable or malformed counts as no preference. */
export function readTrackPreference(storage: PreferenceStorage | undefined): TrackPreference {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(TRACK_PREFERENCE_KEY) ?? '{}');
    if (!raw || typeof raw !== 'object') return {};
    const { text, audio } = raw as Record<string, unknown>;
    const pref: TrackPreference = {};
    if (text === null || typeof text === 'string') pref.text = text;
    if (typeof audio === 'string') pref.audio = audio;
    return pref;
  } catch {
    return {};
  }
}

/** Merges `change` into the stored preference (a full or refusing storage changes nothing). */
export function writeTrackPreference(storage: PreferenceStorage | undefined, change: TrackPreference): void {
  try {
    storage?.setItem(TRACK_PREFERENCE_KEY, JSON.stringify({ ...readTrackPreference(storage), ...change }));
  } catch {
    // Quota or policy: the choice holds for this page only.
  }
}

/**
 * What the `c` key does: captions off when a track is shown; otherwise on, in the remembered
 * language if the video has it, else the language last shown on this page, else the playlist's
 * default track, else the first. Undefined when there is nothing to show.
 */
export function captionToggleTarget(
  tracks: TextTrackInfo[],
  shown: TextTrackInfo | undefined,
  remembered: string | null | undefined,
  lastShown: string | undefined,
): string | null | undefined {
  if (shown) return null;
  const has = (language: string | null | undefined) =>
    language ? tracks.some((t) => sameLanguage(t.language, language)) : false;
  if (has(remembered)) return remembered;
  if (has(lastShown)) return lastShown;
  return (tracks.find((t) => t.default) ?? tracks[0])?.language;
}

/** The id of the audio track in `language` (exact tag first, then primary language), if any. */
export function audioTrackFor(tracks: AudioTrackInfo[], language: string | undefined): string | undefined {
  if (!language) return undefined;
  const exact = tracks.find((t) => t.language.toLowerCase() === language.toLowerCase());
  return (exact ?? tracks.find((t) => sameLanguage(t.language, language)))?.id;
}

/** Same primary language subtag (`fr-CA` and `fr`). */
function sameLanguage(a: string, b: string): boolean {
  return Boolean(a) && a.toLowerCase().split('-')[0] === b.toLowerCase().split('-')[0];
}
