/** The HDR transfer of a source: SMPTE ST 2084 (`pq`), ARIB STD-B67 (`hlg`). */
export const HDR_TRANSFERS = ['pq', 'hlg'] as const;
export type HdrTransfer = (typeof HDR_TRANSFERS)[number];

/**
 * What ffprobe tells us about a source video, normalised: width and height are the display size
 * (sample aspect ratio and rotation applied), as every output is square-pixel and upright.
 */
export interface VideoMetadata {
  /** Seconds. */
  duration: number;
  /** Display width in pixels: sample aspect ratio and rotation applied. */
  width: number;
  /** Display height in pixels: sample aspect ratio and rotation applied. */
  height: number;
  /** Clockwise rotation in degrees the stream asks for on display (0, 90, 180, 270). */
  rotation: number;
  /** HDR transfer of the source, or `null` for SDR; HDR sources are tonemapped to SDR BT.709. */
  hdr: HdrTransfer | null;
  fps: number;
  videoCodec: string | null;
  audioCodec: string | null;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Bits per second of the whole file, when known. */
  bitrate: number | null;
  /** ffprobe's format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  container: string;
  sizeBytes: number | null;
}
