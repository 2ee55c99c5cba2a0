// The one module that talks to fluent-ffmpeg's ffprobe. fluent-ffmpeg is archived upstream: keep
// every use of it behind this file so it can be replaced by a direct spawn without touching callers.
import ffmpeg from 'fluent-ffmpeg';
import type { VideoMetadata } from '@reelkit/protocol';
import { toVideoMetadata, type FfprobeData } from './to-video-metadata.js';

/** Input options for every ffprobe/ffmpeg run: local files only, nothing fetched from anywhere else. */
export const SAFE_INPUT_OPTIONS = ['-protocol_whitelist', 'file'] as const;

export class ProbeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeError';
  }
}

export async function probeFile(path: string, options: { ffprobePath: string }): Promise<VideoMetadata> {
  ffmpeg.setFfprobePath(options.ffprobePath);
  const data = await new Promise<FfprobeData>((resolve, reject) => {
    ffmpeg.ffprobe(path, [...SAFE_INPUT_OPTIONS], (err: Error | null, result: unknown) => {
      if (err)
        reject(new ProbeError(err.message.split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 500)));
      else resolve(result as FfprobeData);
    });
  });
  return toVideoMetadata(data);
}
