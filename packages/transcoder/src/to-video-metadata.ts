import type { VideoMetadata } from '@reelkit/protocol';

/** The subset of ffprobe's `-show_streams -show_format` JSON we read. */
export interface FfprobeData {
  streams: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string | number;
    tags?: Record<string, string | undefined>;
    side_data_list?: Array<{ rotation?: number | string }>;
    disposition?: { attached_pic?: number };
  }>;
  format: {
    format_name?: string;
    duration?: string | number;
    bit_rate?: string | number;
    size?: string | number;
  };
}

function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function rate(value: string | undefined): number | null {
  if (!value) return null;
  const [a, b] = value.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a)) return null;
  const r = b === undefined ? a : b === 0 ? NaN : a / b;
  return Number.isFinite(r) && r > 0 ? Math.round(r * 1000) / 1000 : null;
}

/** Rotation from the display matrix side data (newer ffmpeg) or the `rotate` tag (older). */
function rotationOf(stream: FfprobeData['streams'][number]): number {
  const fromSide = stream.side_data_list?.map((s) => num(s.rotation)).find((r) => r !== null);
  const raw = fromSide ?? num(stream.tags?.rotate) ?? 0;
  return (((Math.round(raw / 90) * 90) % 360) + 360) % 360;
}

/**
 * Normalises ffprobe output: display size with rotation applied, fps from the average frame rate,
 * duration from the container (or the video stream), and which streams are present. Cover-art
 * "video" streams (attached pictures) do not count as video.
 */
export function toVideoMetadata(data: FfprobeData): VideoMetadata {
  const video = data.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audio = data.streams.find((s) => s.codec_type === 'audio');
  const rotation = video ? rotationOf(video) : 0;
  const w = video?.width ?? 0;
  const h = video?.height ?? 0;
  const swap = rotation === 90 || rotation === 270;
  return {
    duration: num(data.format.duration) ?? num(video?.duration) ?? 0,
    width: swap ? h : w,
    height: swap ? w : h,
    rotation,
    fps: rate(video?.avg_frame_rate) ?? rate(video?.r_frame_rate) ?? 0,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    bitrate: num(data.format.bit_rate),
    container: data.format.format_name ?? 'unknown',
    sizeBytes: num(data.format.size),
  };
}
