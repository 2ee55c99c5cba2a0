import { CaptionFormatError, serializeWebVtt, type CaptionCue } from './caption-cues.js';
import { looksLikeSrt, parseSrt } from './parse-srt.js';
import { looksLikeWebVtt, parseWebVtt } from './parse-webvtt.js';

/** The WHATWG decoder (Node and browsers have it; this package is built without DOM or Node types). */
declare const TextDecoder: new (
  label: 'utf-8',
  options: { fatal: boolean },
) => { decode(input: Uint8Array): string };

/** Caption file formats Reelkit reads. */
export const CAPTION_FORMATS = ['webvtt', 'srt'] as const;
/** One of {@link CAPTION_FORMATS}. */
export type CaptionFormat = (typeof CAPTION_FORMATS)[number];

/** A caption file read, checked and rewritten as sanitised WebVTT. */
export interface ReadCaptionFile {
  format: CaptionFormat;
  cues: CaptionCue[];
  /** The WebVTT to store and serve. */
  vtt: string;
}

/**
 * Sniffs, parses and sanitises a caption file (WebVTT or SubRip, UTF-8 with or without a BOM).
 * Throws `CaptionFormatError` for a binary file, text that is not UTF-8 or another format, and
 * `CaptionParseError` for a WebVTT/SubRip file with bad timings or no cues.
 */
export function readCaptionFile(bytes: Uint8Array): ReadCaptionFile {
  if (bytes.includes(0)) throw new CaptionFormatError('a binary file, not WebVTT or SubRip text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CaptionFormatError('the file is not UTF-8 text');
  }
  let format: CaptionFormat;
  if (looksLikeWebVtt(text)) format = 'webvtt';
  else if (looksLikeSrt(text)) format = 'srt';
  else throw new CaptionFormatError('neither WebVTT (WEBVTT signature) nor SubRip (timing lines)');
  const cues = format === 'webvtt' ? parseWebVtt(text) : parseSrt(text);
  return { format, cues, vtt: serializeWebVtt(cues) };
}
