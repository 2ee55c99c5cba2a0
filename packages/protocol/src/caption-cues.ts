/** One cue of a caption file: times in milliseconds, text already sanitised. */
export interface CaptionCue {
  startMs: number;
  endMs: number;
  /** WebVTT cue settings kept from the source (`line:0 align:start`), or ''. */
  settings: string;
  text: string;
}

/** A caption file that is not a caption file at all (binary, another format): HTTP 415. */
export class CaptionFormatError extends Error {
  override readonly name = 'CaptionFormatError';
}

/** A caption file of a known format whose content is wrong (bad timings, no cues): HTTP 422. */
export class CaptionParseError extends Error {
  override readonly name = 'CaptionParseError';
  constructor(
    message: string,
    /** 1-based line of the problem, when there is one. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** `hh:mm:ss.mmm` (hours at least two digits), as WebVTT writes a time. */
export function formatVttTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Checks one cue's times; `line` is where its timing line is. */
export function checkCueTimes(startMs: number, endMs: number, line: number): void {
  if (endMs <= startMs) throw new CaptionParseError('the cue ends before it starts', line);
}

/**
 * The WebVTT header line mapping cue times to the HLS media timeline (`MPEGTS` on the 90 kHz clock
 * whatever the segments' timescale): cue time 0 is media time `mediaStartS`.
 */
export function timestampMapLine(mediaStartS: number): string {
  return `X-TIMESTAMP-MAP=MPEGTS:${Math.round(mediaStartS * 90_000)},LOCAL:00:00:00.000`;
}

/**
 * The header every stored caption carries. The ladder's fMP4 segments start at media time 0 (the
 * first video segment's `tfdt` baseMediaDecodeTime is 0: ffmpeg takes the source's start time off
 * every output, and the captions extracted from the source likewise), so cue time 0 is MPEGTS 0.
 */
export const HLS_TIMESTAMP_MAP = timestampMapLine(0);

/** The cues as a WebVTT file, with the {@link HLS_TIMESTAMP_MAP} header. */
export function serializeWebVtt(cues: readonly CaptionCue[]): string {
  let out = `WEBVTT\n${HLS_TIMESTAMP_MAP}\n`;
  for (const cue of cues) {
    const settings = cue.settings ? ` ${cue.settings}` : '';
    out += `\n${formatVttTime(cue.startMs)} --> ${formatVttTime(cue.endMs)}${settings}\n${cue.text}\n`;
  }
  return out;
}
