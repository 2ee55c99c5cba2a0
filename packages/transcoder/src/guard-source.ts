import type { TranscodeFailure, VideoMetadata } from '@reelkit/protocol';
import { isAcceptedContainer } from './safe-input-options.js';

/** Limits a source must be within before anything decodes it (MAX_* variables). */
export interface SourceLimits {
  maxDurationS: number;
  maxPixels: number;
  maxFps: number;
}

/**
 * Checks probed metadata against the limits; returns why the source is refused, or `null` when it
 * may be transcoded. Only ffprobe has read the file at this point.
 */
export function guardSource(m: VideoMetadata, limits: SourceLimits): TranscodeFailure | null {
  if (!isAcceptedContainer(m.container))
    return { code: 'source_format_rejected', message: `container ${m.container} is not accepted` };
  if (!m.hasVideo) return { code: 'source_no_video', message: 'the file has no video stream' };
  if (!(m.width > 0 && m.height > 0))
    return { code: 'source_unreadable', message: 'the video stream has no frame size' };
  if (!(m.duration > 0)) return { code: 'source_unreadable', message: 'the file has no duration' };
  if (m.duration > limits.maxDurationS)
    return {
      code: 'source_too_long',
      message: `the video lasts ${Math.round(m.duration)} s, more than ${limits.maxDurationS} s`,
    };
  if (m.width * m.height > limits.maxPixels)
    return {
      code: 'source_too_large',
      message: `a ${m.width}x${m.height} frame is more than ${limits.maxPixels} pixels`,
    };
  if (m.fps > limits.maxFps)
    return { code: 'source_fps_too_high', message: `${m.fps} fps is more than ${limits.maxFps} fps` };
  return null;
}
