import { CaptionParseError, checkCueTimes, type CaptionCue } from './caption-cues.js';
import { sanitizeCueText } from './sanitize-cue-text.js';

const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;
/** Cue settings kept: positioning only (regions are dropped with their definitions). */
const SETTING =
  /^(?:vertical:(?:rl|lr)|line:-?\d+(?:\.\d+)?%?(?:,(?:start|center|end))?|position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?|size:\d+(?:\.\d+)?%|align:(?:start|center|end|left|right))$/;

function vttTime(text: string, line: number): number {
  const m = VTT_TIME.exec(text);
  if (!m) throw new CaptionParseError(`"${text.slice(0, 40)}" is not a WebVTT time ((hh:)mm:ss.mmm)`, line);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

/** Does this text start with the WebVTT signature? */
export function looksLikeWebVtt(text: string): boolean {
  return /^\uFEFF?WEBVTT(?:[ \t\n\r]|$)/.test(text);
}

/**
 * Parses WebVTT: the signature line, then blocks separated by blank lines. NOTE, STYLE and
 * REGION blocks are dropped (no author CSS reaches the player); cues keep their positioning
 * settings and their text is sanitised. Throws `CaptionParseError` on a bad timing or no cues.
 */
export function parseWebVtt(text: string): CaptionCue[] {
  if (!looksLikeWebVtt(text)) throw new CaptionParseError('the file does not start with WEBVTT', 1);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
  const cues: CaptionCue[] = [];
  let i = 1;
  // The header runs to the first blank line.
  while (i < lines.length && lines[i]!.trim() !== '') i++;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const block: string[] = [];
    const first = i;
    while (i < lines.length && lines[i]!.trim() !== '') block.push(lines[i++]!);
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(block[0]!)) continue;
    let t = block[0]!.includes('-->') ? 0 : 1;
    if (t === 1 && !block[1]?.includes('-->'))
      throw new CaptionParseError('expected a timing line (mm:ss.mmm --> mm:ss.mmm)', first + 2);
    const timingLine = first + t + 1;
    const timing = TIMING.exec(block[t]!.trim());
    if (!timing) throw new CaptionParseError('malformed timing line', timingLine);
    const startMs = vttTime(timing[1]!, timingLine);
    const endMs = vttTime(timing[2]!, timingLine);
    checkCueTimes(startMs, endMs, timingLine);
    const settings = (timing[3] ?? '')
      .split(/[ \t]+/)
      .filter((s) => SETTING.test(s))
      .join(' ');
    t++;
    const cueText = sanitizeCueText(block.slice(t).join('\n'));
    if (cueText) cues.push({ startMs, endMs, settings, text: cueText });
  }
  if (cues.length === 0) throw new CaptionParseError('no cues');
  return cues;
}
