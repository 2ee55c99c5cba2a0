/** What ffprobe tells us about a source video, normalised (rotation applied to width/height). */
export interface VideoMetadata {
  /** Seconds. */
  duration: number;
  /** Display width in pixels, after rotation. */
  width: number;
  /** Display height in pixels, after rotation. */
  height: number;
  /** Rotation in degrees found in the stream (0, 90, 180, 270). */
  rotation: number;
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
