// Which subtitle streams of a source become captions, and what they are called. Pure: the probe's
// subtitle streams in, a plan per text stream and a reason per skipped stream out.
import { createHash } from 'node:crypto';
import { CAPTION_LABEL_MAX, languageTagSchema } from '@reelkit/protocol';
import { languageName, normaliseLanguage } from './plan-audio-tracks.js';

/** One subtitle stream of the source, as {@link toSourceInfo} reads it from ffprobe. */
export interface SourceSubtitleStream {
  /** ffprobe's absolute stream index (`-map 0:<index>`). */
  index: number;
  /** ffprobe's `codec_name`: `subrip`, `mov_text`, `ass`, `hdmv_pgs_subtitle`… */
  codec: string;
  /** The stream's `language` tag as written (`eng`, `fre`, `pt-BR`, `und`), or null. */
  language: string | null;
  /** The stream's `title` tag, or null. */
  title: string | null;
  /** `disposition.default`. */
  default: boolean;
  /** `disposition.forced`. */
  forced: boolean;
}

/**
 * Text subtitle codecs ffmpeg converts to WebVTT (ASS/SSA keep their text and `<b>/<i>/<u>`; their
 * positioning, fonts and drawings are dropped).
 */
export const TEXT_SUBTITLE_CODECS: ReadonlySet<string> = new Set([
  'subrip',
  'srt',
  'mov_text',
  'webvtt',
  'ass',
  'ssa',
  'text',
]);

/** Picture subtitle codecs: they would need OCR to become text, so they are skipped. */
export const BITMAP_SUBTITLE_CODECS: ReadonlySet<string> = new Set([
  'hdmv_pgs_subtitle',
  'dvd_subtitle',
  'dvb_subtitle',
  'xsub',
]);

/** One caption to extract from the source. */
export interface SourceCaptionPlan {
  /** 24 hex digits, see {@link sourceCaptionId}. */
  id: string;
  streamIndex: number;
  codec: string;
  /** BCP 47, `und` when the stream says nothing usable. */
  language: string;
  label: string;
  default: boolean;
  forced: boolean;
}

/** A subtitle stream that does not become a caption, and why (for the job's log). */
export interface SkippedSubtitleStream {
  streamIndex: number;
  codec: string;
  reason: 'bitmap' | 'unsupported';
}

/**
 * The caption id of a source's subtitle stream: the first 24 hex digits of
 * sha256(`<videoId>:subtitle:<index>`), a valid ObjectId that uploads (ObjectIds made by the server)
 * never meet. The same for every attempt and re-transcode of the video, so those overwrite the
 * same files and the server replaces the same captions instead of adding copies.
 */
export function sourceCaptionId(videoId: string, streamIndex: number): string {
  return createHash('sha256').update(`${videoId}:subtitle:${streamIndex}`).digest('hex').slice(0, 24);
}

/**
 * One caption per text subtitle stream, in the source's order; picture subtitles and unknown
 * codecs are skipped. Language: the tag as BCP 47 (`eng` → `en`), else `und`. Label: the title,
 * else the language's name, else `Subtitles n`; ` (forced)` added for a forced stream whose title
 * does not say so; repeats get ` (2)`…. Default: the first text stream with the default
 * disposition — except mov_text, whose "default" is the MP4 track's `enabled` flag, which muxers
 * set on the first track of every kind (ffmpeg does), not a wish to show it.
 */
export function planSourceCaptions(
  videoId: string,
  streams: readonly SourceSubtitleStream[],
): { captions: SourceCaptionPlan[]; skipped: SkippedSubtitleStream[] } {
  const skipped: SkippedSubtitleStream[] = [];
  const text: SourceSubtitleStream[] = [];
  for (const s of streams) {
    if (TEXT_SUBTITLE_CODECS.has(s.codec)) text.push(s);
    else
      skipped.push({
        streamIndex: s.index,
        codec: s.codec,
        reason: BITMAP_SUBTITLE_CODECS.has(s.codec) ? 'bitmap' : 'unsupported',
      });
  }
  const defaultAt = text.findIndex((s) => s.default && s.codec !== 'mov_text');
  const seen = new Map<string, number>();
  const captions = text.map((s, i): SourceCaptionPlan => {
    const normalised = normaliseLanguage(s.language);
    const language = normalised && languageTagSchema.safeParse(normalised).success ? normalised : 'und';
    const title = s.title?.trim().slice(0, CAPTION_LABEL_MAX - 20);
    let base = title || languageName(normalised) || `Subtitles ${i + 1}`;
    if (s.forced && !/forced/i.test(base)) base = `${base} (forced)`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      id: sourceCaptionId(videoId, s.index),
      streamIndex: s.index,
      codec: s.codec,
      language,
      label: n === 1 ? base : `${base} (${n})`,
      default: i === defaultAt,
      forced: s.forced,
    };
  });
  return { captions, skipped };
}
