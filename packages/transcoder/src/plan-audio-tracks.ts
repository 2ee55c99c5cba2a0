// Which audio renditions a source gets, and how they are named in the master playlist. Pure: the
// probe's audio streams in, one plan per stream out.

/** One audio stream of the source, as {@link toSourceInfo} reads it from ffprobe. */
export interface SourceAudioStream {
  /** ffprobe's absolute stream index (`-map 0:<index>`). */
  index: number;
  channels: number;
  /** The stream's `language` tag as written (`eng`, `fre`, `pt-BR`, `und`), or null. */
  language: string | null;
  /** The stream's `title` tag, or null. */
  title: string | null;
  /** `disposition.default`. */
  default: boolean;
}

/** One planned audio rendition: AAC-LC stereo 48 kHz at {@link AUDIO_RENDITION_KBPS}. */
export interface AudioTrackPlan {
  /** `a0`, `a1`…: the source's audio streams in order. Names the folder `hls/audio/<id>/`. */
  id: string;
  streamIndex: number;
  /** BCP 47, or null when the source says nothing (or `und`). */
  language: string | null;
  /** Unique within the group (HLS requires distinct `NAME`s). */
  label: string;
  /**
   * Always 2: every track is downmixed to stereo with the coefficients of `STEREO_DOWNMIX`, and
   * `CHANNELS` says so. A 5.1 rendition alongside would double the audio work for the few players
   * that can pass 5.1 AAC through, and browsers' MSE decode it to stereo anyway.
   */
  channels: 2;
  default: boolean;
  kbps: number;
}

/** Bitrate of every audio rendition of a video, kbit/s (AAC-LC stereo). */
export const AUDIO_RENDITION_KBPS = 128;

/**
 * The HLS ladder of an audio-only video, kbit/s, highest first: AAC-LC stereo at the audio
 * tracks' bitrate, and one at half of it for poor connections. The progressive `.m4a` takes the
 * first.
 */
export const AUDIO_ONLY_LADDER_KBPS = [AUDIO_RENDITION_KBPS, 64] as const;

// ISO 639-2 (B and T) codes of the languages that have an ISO 639-1 code BCP 47 must use instead.
// prettier-ignore
const ISO_639_2_TO_1: Readonly<Record<string, string>> = {
  ara: 'ar', bul: 'bg', ben: 'bn', cat: 'ca', ces: 'cs', cze: 'cs', dan: 'da', deu: 'de', ger: 'de',
  ell: 'el', gre: 'el', eng: 'en', spa: 'es', est: 'et', eus: 'eu', baq: 'eu', fas: 'fa', per: 'fa',
  fin: 'fi', fra: 'fr', fre: 'fr', gle: 'ga', glg: 'gl', heb: 'he', hin: 'hi', hrv: 'hr', hun: 'hu',
  hye: 'hy', arm: 'hy', ind: 'id', isl: 'is', ice: 'is', ita: 'it', jpn: 'ja', kat: 'ka', geo: 'ka',
  kor: 'ko', lit: 'lt', lav: 'lv', mkd: 'mk', mac: 'mk', msa: 'ms', may: 'ms', nld: 'nl', dut: 'nl',
  nor: 'no', nob: 'nb', nno: 'nn', pol: 'pl', por: 'pt', ron: 'ro', rum: 'ro', rus: 'ru', slk: 'sk',
  slo: 'sk', slv: 'sl', srp: 'sr', sqi: 'sq', alb: 'sq', swe: 'sv', swa: 'sw', tam: 'ta', tel: 'te',
  tha: 'th', tur: 'tr', ukr: 'uk', urd: 'ur', vie: 'vi', zho: 'zh', chi: 'zh', cym: 'cy', wel: 'cy',
};

/** Tags that say nothing about the language. */
const NO_LANGUAGE = new Set(['und', 'mis', 'mul', 'zxx', 'unknown', 'none', '']);

/**
 * A stream's language tag as BCP 47: ISO 639-2 codes become their ISO 639-1 code where there is one
 * (`eng` → `en`, `fre` → `fr`), `_` becomes `-` (`pt_BR` → `pt-BR`), case is canonical; `und` and
 * anything that is not a well-formed tag give null.
 */
export function normaliseLanguage(tag: string | null | undefined): string | null {
  const raw = (tag ?? '').trim().replace(/_/g, '-');
  const [primary = '', ...rest] = raw.split('-');
  if (NO_LANGUAGE.has(primary.toLowerCase())) return null;
  const mapped = ISO_639_2_TO_1[primary.toLowerCase()] ?? primary;
  try {
    return Intl.getCanonicalLocales([mapped, ...rest].join('-'))[0] ?? null;
  } catch {
    return null;
  }
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The English name of a BCP 47 tag (`fr` → French, `pt-BR` → Brazilian Portuguese), or null. */
export function languageName(language: string | null): string | null {
  if (!language) return null;
  try {
    return languageNames.of(language) ?? null;
  } catch {
    return null;
  }
}

/**
 * One rendition per source audio stream, in the source's order. The default is the stream with the
 * default disposition (the first of them), else the first. Labels: the title tag, else the
 * language's name, else `Track n`; repeated labels get ` (2)`, ` (3)`….
 */
export function planAudioTracks(streams: readonly SourceAudioStream[]): AudioTrackPlan[] {
  const defaultAt = Math.max(
    0,
    streams.findIndex((s) => s.default),
  );
  const seen = new Map<string, number>();
  return streams.map((s, i): AudioTrackPlan => {
    const language = normaliseLanguage(s.language);
    const base = s.title?.trim() || languageName(language) || `Track ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      id: `a${i}`,
      streamIndex: s.index,
      language,
      label: n === 1 ? base : `${base} (${n})`,
      channels: 2,
      default: i === defaultAt,
      kbps: AUDIO_RENDITION_KBPS,
    };
  });
}
