import { CaptionParseError, checkCueTimes, type CaptionCue } from './caption-cues.js';
import { sanitizeCueText } from './sanitize-cue-text.js';

/** `00:01:02,345` (SubRip) — a `.` is accepted too, as many files in the wild use one. */
const SRT_TIME = /^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/;
const TIMING = /^(\S+)\s+-->\s+(\S+)(?:\s.*)?$/;

function srtTime(text: string, line: number): number {
  const m = SRT_TIME.exec(text);
  if (!m) throw new CaptionParseError(`"${text.slice(0, 40)}" is not a SubRip time (hh:mm:ss,mmm)`, line);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]!.padEnd(3, '0'));
}

/** Does this text look like SubRip (a timing line among its first lines)? */
export function looksLikeSrt(text: string): boolean {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n?|\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 3);
  return lines.some((l) => TIMING.test(l.trim()) && l.includes('-->'));
}

/**
 * Parses SubRip: blocks separated by blank lines, each an optional counter, a timing line and
 * the text. Cue text is sanitised (`<font>` and ASS overrides dropped, `<b> <i> <u>` kept).
 * Throws `CaptionParseError` on a bad timing or a file without cues.
 */
export function parseSrt(text: string): CaptionCue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
  const cues: CaptionCue[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    if (/^\d+$/.test(lines[i]!.trim()) && lines[i + 1]?.includes('-->')) i++;
    const timingLine = i + 1;
    const timing = TIMING.exec(lines[i]!.trim());
    if (!timing || !lines[i]!.includes('-->'))
      throw new CaptionParseError('expected a timing line (hh:mm:ss,mmm --> hh:mm:ss,mmm)', timingLine);
    const startMs = srtTime(timing[1]!, timingLine);
    const endMs = srtTime(timing[2]!, timingLine);
    checkCueTimes(startMs, endMs, timingLine);
    i++;
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') body.push(lines[i++]!);
    const cueText = sanitizeCueText(body.join('\n'));
    if (cueText) cues.push({ startMs, endMs, settings: '', text: cueText });
  }
  if (cues.length === 0) throw new CaptionParseError('no cues');
  return cues;
}
