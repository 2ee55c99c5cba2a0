// Runs ffprobe. We spawn the binary directly and read its own JSON (`-print_format json`) rather
// than go through fluent-ffmpeg (archived upstream): the JSON is exactly the `{ streams, format }`
// object fluent-ffmpeg handed back — ffprobe's own field names, which `FfprobeData` describes —
// without a parser of ffprobe's default text output in between.
import { execFile } from 'node:child_process';
import type { VideoMetadata } from '@reelkit/protocol';
import { SAFE_INPUT_OPTIONS } from './safe-input-options.js';
import { toSourceInfo, type FfprobeData, type SourceInfo } from './to-video-metadata.js';

export { SAFE_INPUT_OPTIONS };

/** The most JSON ffprobe may print (a file with thousands of streams is not a video we take). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** ffprobe could not read the file. */
export class ProbeError extends Error {
  /** The demuxer ffprobe detected is not on our allow-list (e.g. an HLS playlist named .mp4). */
  readonly formatRejected: boolean;

  constructor(message: string, formatRejected = false) {
    super(message);
    this.name = 'ProbeError';
    this.formatRejected = formatRejected;
  }
}

/** ffprobe's arguments for a local file: safe input options, then the file after `-i`. */
export function buildFfprobeArgs(path: string): string[] {
  return [
    '-hide_banner',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    ...SAFE_INPUT_OPTIONS,
    '-i',
    path,
  ];
}

/** ffprobe leaves out a section it has nothing for; fluent-ffmpeg always gave both. */
function toFfprobeData(value: unknown): FfprobeData | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const format = typeof v.format === 'object' && v.format !== null ? v.format : {};
  return { streams: Array.isArray(v.streams) ? v.streams : [], format };
}

/**
 * Runs ffprobe on a local file with {@link SAFE_INPUT_OPTIONS} (local files only, allow-listed
 * demuxers only) and normalises its output. Rejects with {@link ProbeError} when it cannot read it;
 * aborting `signal` kills ffprobe.
 */
export async function probeFile(
  path: string,
  options: { ffprobePath: string; signal?: AbortSignal },
): Promise<VideoMetadata> {
  return (await probeSource(path, options)).metadata;
}

/** {@link probeFile} with everything the planners read (colour, scan, audio stream choice). */
export async function probeSource(
  path: string,
  options: { ffprobePath: string; signal?: AbortSignal },
): Promise<SourceInfo> {
  const data = await new Promise<FfprobeData>((resolve, reject) => {
    execFile(
      options.ffprobePath,
      buildFfprobeArgs(path),
      { encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, signal: options.signal },
      (err, stdout, stderr) => {
        if (err) {
          if (options.signal?.aborted) return reject(options.signal.reason);
          const why = stderr || err.message;
          const rejected = /not on whitelist/i.test(why);
          const tail = why.split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 500);
          return reject(new ProbeError(tail || `ffprobe failed (${err.message})`, rejected));
        }
        let parsed: FfprobeData | undefined;
        try {
          parsed = toFfprobeData(JSON.parse(stdout));
        } catch {
          // not JSON: reported below
        }
        if (!parsed) return reject(new ProbeError('ffprobe printed no readable JSON'));
        resolve(parsed);
      },
    );
  });
  return toSourceInfo(data);
}
