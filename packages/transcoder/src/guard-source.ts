import type { TranscodeErrorCode, VideoMetadata } from '@reelkit/protocol';
import { isAcceptedContainer } from './safe-input-options.js';

/** Limits a source must be within before anything decodes it (MAX_* variables). */
export interface SourceLimits {
  maxDurationS: number;
  maxPixels: number;
  maxFps: number;
}

/** Why a source is refused: a code and a detail for its sentence (`describeTranscodeFailure`). */
export interface SourceRefusal {
  code: TranscodeErrorCode;
  detail: string;
}

/**
 * Checks probed metadata against the limits (a source with audio and no picture is checked for
 * its duration only); returns why the source is refused, or `null` when it
 * may be transcoded. Only ffprobe has read the file at this point.
 */
export function guardSource(m: VideoMetadata, limits: SourceLimits): SourceRefusal | null {
  if (!isAcceptedContainer(m.container))
    return { code: 'source_format_rejected', detail: `it is ${m.container.split(',')[0]}` };
  if (!m.hasVideo && !m.hasAudio) return { code: 'source_no_video', detail: '' };
  if (m.hasVideo && !(m.width > 0 && m.height > 0))
    return { code: 'source_unreadable', detail: 'no picture size' };
  if (!(m.duration > 0)) return { code: 'source_unreadable', detail: 'no duration' };
  if (m.duration > limits.maxDurationS)
    return {
      code: 'source_too_long',
      detail: `it lasts ${Math.round(m.duration)} s; the limit is ${limits.maxDurationS} s`,
    };
  // An audio-only source (it becomes an audio asset) has no picture to measure.
  if (!m.hasVideo) return null;
  if (m.width * m.height > limits.maxPixels)
    return {
      code: 'source_too_large',
      detail: `${m.width}×${m.height} is more than ${limits.maxPixels} pixels`,
    };
  if (m.fps > limits.maxFps)
    return { code: 'source_fps_too_high', detail: `${m.fps} fps; the limit is ${limits.maxFps} fps` };
  return null;
}
