// The one module that talks to fluent-ffmpeg's ffprobe. fluent-ffmpeg is archived upstream: keep
// every use of it behind this file so it can be replaced by a direct spawn without touching callers.
import ffmpeg from 'fluent-ffmpeg';
import type { VideoMetadata } from '@reelkit/protocol';
import { SAFE_INPUT_OPTIONS } from './safe-input-options.js';
import { toVideoMetadata, type FfprobeData } from './to-video-metadata.js';

export { SAFE_INPUT_OPTIONS };

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

/**
 * Runs ffprobe on a local file with {@link SAFE_INPUT_OPTIONS} (local files only, allow-listed
 * demuxers only) and normalises its output. Rejects with {@link ProbeError} when it cannot read it.
 */
export async function probeFile(path: string, options: { ffprobePath: string }): Promise<VideoMetadata> {
  ffmpeg.setFfprobePath(options.ffprobePath);
  const data = await new Promise<FfprobeData>((resolve, reject) => {
    ffmpeg.ffprobe(path, [...SAFE_INPUT_OPTIONS], (err: Error | null, result: unknown) => {
      if (err) {
        const rejected = /not on whitelist/i.test(err.message);
        const tail = err.message.split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 500);
        reject(new ProbeError(tail, rejected));
      } else resolve(result as FfprobeData);
    });
  });
  return toVideoMetadata(data);
}
