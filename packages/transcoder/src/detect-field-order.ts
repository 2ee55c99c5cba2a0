// When the container does not say whether a source is interlaced, ffmpeg's `idet` filter looks at
// the first frames. These build its command and read its verdict.
import { SAFE_INPUT_OPTIONS } from './safe-input-options.js';

/** Frames `idet` looks at: enough for a verdict, cheap even for 4K. */
export const IDET_FRAMES = 120;

/** An ffmpeg run that decodes the first {@link IDET_FRAMES} frames through `idet` and writes nothing. */
export function buildIdetArgs(input: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    // idet reports at "info" level.
    '-loglevel',
    'info',
    ...SAFE_INPUT_OPTIONS,
    '-i',
    input,
    '-map',
    '0:v:0',
    '-frames:v',
    String(IDET_FRAMES),
    '-vf',
    'idet',
    '-an',
    '-f',
    'null',
    '-',
  ];
}

/**
 * The field order `idet` found (its multi-frame counts), or `null` when most frames look
 * progressive or it said nothing.
 */
export function parseIdetOutput(stderr: string): 'tff' | 'bff' | null {
  const m = /Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)/.exec(stderr);
  if (!m) return null;
  const [tff, bff, progressive] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (tff + bff <= progressive) return null;
  return tff >= bff ? 'tff' : 'bff';
}
