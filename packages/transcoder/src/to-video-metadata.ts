import type { HdrTransfer, VideoMetadata } from '@reelkit/protocol';
import type { SourceAudioStream } from './plan-audio-tracks.js';
import type { SourceSubtitleStream } from './plan-source-captions.js';

/** One stream of ffprobe's `-show_streams` JSON, the fields we read (names as ffprobe spells them). */
export interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  bits_per_raw_sample?: string | number;
  field_order?: string;
  color_range?: string;
  color_space?: string;
  color_transfer?: string;
  color_primaries?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  start_time?: string | number;
  duration?: string | number;
  channels?: number;
  channel_layout?: string;
  sample_rate?: string | number;
  tags?: Record<string, string | undefined>;
  /** Some ffprobe wrappers (fluent-ffmpeg's text parser) flatten the display matrix's rotation here. */
  rotation?: number | string;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number | string }>;
  disposition?: { default?: number; attached_pic?: number; forced?: number };
}

/** The subset of ffprobe's `-show_streams -show_format` JSON we read. */
export interface FfprobeData {
  streams: FfprobeStream[];
  format: {
    format_name?: string;
    duration?: string | number;
    bit_rate?: string | number;
    size?: string | number;
    start_time?: string | number;
  };
}

/** How the source's frames are scanned, from ffprobe's `field_order`. */
export type FieldOrder = 'progressive' | 'tff' | 'bff' | 'unknown';

/** Colour description of the source video stream, as tagged (null where untagged). */
export interface SourceColour {
  /** `color_space` (matrix), e.g. `bt709`, `smpte170m`, `bt2020nc`. */
  matrix: string | null;
  /** `color_transfer`, e.g. `bt709`, `smpte2084`, `arib-std-b67`. */
  transfer: string | null;
  /** `color_primaries`, e.g. `bt709`, `bt2020`. */
  primaries: string | null;
  /** `tv` (limited) or `pc` (full). */
  range: string | null;
}

/** Everything the planners need to know about a source, beyond the public {@link VideoMetadata}. */
export interface SourceInfo {
  metadata: VideoMetadata;
  video: {
    /** Stored frame size, before sample aspect ratio and rotation. */
    codedWidth: number;
    codedHeight: number;
    /** Sample (pixel) aspect ratio, 1 for square pixels. */
    sar: number;
    fieldOrder: FieldOrder;
    colour: SourceColour;
    /** Bits per sample (8, 10, 12). */
    bitDepth: number;
    /** Whether the average frame rate differs from the base rate (variable frame rate). */
    vfr: boolean;
    /** `r_frame_rate`: the base (highest common) rate, 0 when unknown. */
    baseFps: number;
  } | null;
  /** The audio stream we transcode: the default one, else the first. */
  audio: {
    /** ffprobe's absolute stream index (`-map 0:<index>`). */
    index: number;
    channels: number;
    sampleRate: number;
  } | null;
  /** Every audio stream of the source, in order: each becomes an audio rendition. */
  audioStreams: SourceAudioStream[];
  /** Every subtitle stream of the source, in order (text ones become captions). */
  subtitleStreams: SourceSubtitleStream[];
}

function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** `30000/1001` → 29.97 (3 decimals); `0/0` and junk → null. */
export function parseRate(value: string | undefined): number | null {
  if (!value) return null;
  const [a, b] = value.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a)) return null;
  const r = b === undefined ? a : b === 0 ? NaN : a / b;
  return Number.isFinite(r) && r > 0 ? Math.round(r * 1000) / 1000 : null;
}

/** `32:27` → 1.185…; `0:1`, `N/A` and missing → 1 (square). */
export function parseSar(value: string | undefined): number {
  const m = /^(\d+):(\d+)$/.exec(value ?? '');
  if (!m) return 1;
  const r = Number(m[1]) / Number(m[2]);
  return Number.isFinite(r) && r > 0 ? r : 1;
}

/** Any angle in degrees → 0, 90, 180 or 270. */
export function normaliseRotation(degrees: number): number {
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/**
 * Clockwise display rotation of a stream, from wherever ffprobe put it: the display matrix side
 * data (`side_data_list[].rotation`, or the same value flattened to `rotation` by text parsers)
 * is counter-clockwise, so −90 means "turn 90° clockwise"; the legacy `rotate` tag is clockwise.
 */
export function rotationOf(stream: FfprobeStream): number {
  const matrix =
    stream.side_data_list?.map((s) => num(s.rotation)).find((r) => r !== null) ?? num(stream.rotation);
  if (matrix !== null) return normaliseRotation(-matrix);
  return normaliseRotation(num(stream.tags?.rotate) ?? 0);
}

/** HDR transfer from `color_transfer`. */
export function hdrOf(transfer: string | null | undefined): HdrTransfer | null {
  if (transfer === 'smpte2084') return 'pq';
  if (transfer === 'arib-std-b67') return 'hlg';
  return null;
}

function fieldOrderOf(value: string | undefined): FieldOrder {
  if (value === 'progressive') return 'progressive';
  // tt/tb: top field coded (and shown) first; bb/bt: bottom field first.
  if (value === 'tt' || value === 'tb') return 'tff';
  if (value === 'bb' || value === 'bt') return 'bff';
  return 'unknown';
}

function bitDepthOf(stream: FfprobeStream): number {
  const raw = num(stream.bits_per_raw_sample);
  if (raw !== null && raw > 0) return raw;
  const m = /p(\d+)(le|be)$/.exec(stream.pix_fmt ?? '');
  return m ? Number(m[1]) : 8;
}

const tag = (v: string | undefined) => (v && v !== 'unknown' && v !== 'reserved' ? v : null);

/**
 * Normalises ffprobe output: display size (sample aspect ratio, then rotation applied), fps from
 * the average frame rate, duration from the container (or the video stream), colour, scan and the
 * audio stream to use (the default one of several, else the first). Cover-art "video" streams
 * (attached pictures) do not count as video.
 */
export function toSourceInfo(data: FfprobeData): SourceInfo {
  const video = data.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audios = data.streams.filter((s) => s.codec_type === 'audio');
  const audio = audios.find((s) => s.disposition?.default === 1) ?? audios[0];
  const rotation = video ? rotationOf(video) : 0;
  const codedWidth = video?.width ?? 0;
  const codedHeight = video?.height ?? 0;
  const sar = parseSar(video?.sample_aspect_ratio);
  // Non-square pixels are corrected by stretching the width (as players do); even, never 0.
  const displayWidth = sar === 1 ? codedWidth : Math.max(2, 2 * Math.round((codedWidth * sar) / 2));
  const swap = rotation === 90 || rotation === 270;
  const avg = parseRate(video?.avg_frame_rate);
  const base = parseRate(video?.r_frame_rate);
  const colour: SourceColour = {
    matrix: tag(video?.color_space),
    transfer: tag(video?.color_transfer),
    primaries: tag(video?.color_primaries),
    range: tag(video?.color_range),
  };
  const metadata: VideoMetadata = {
    duration: num(data.format.duration) ?? num(video?.duration) ?? 0,
    width: swap ? codedHeight : displayWidth,
    height: swap ? displayWidth : codedHeight,
    rotation,
    hdr: hdrOf(colour.transfer),
    fps: avg ?? base ?? 0,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    bitrate: num(data.format.bit_rate),
    container: data.format.format_name ?? 'unknown',
    sizeBytes: num(data.format.size),
  };
  return {
    metadata,
    video: video
      ? {
          codedWidth,
          codedHeight,
          sar,
          fieldOrder: fieldOrderOf(video.field_order),
          colour,
          bitDepth: bitDepthOf(video),
          // Within 1 % is the same rate (29.97 vs 30000/1001 rounding).
          vfr: avg !== null && base !== null && Math.abs(avg - base) / base > 0.01,
          baseFps: base ?? 0,
        }
      : null,
    audio: audio
      ? {
          index: audio.index ?? data.streams.indexOf(audio),
          channels: audio.channels ?? 2,
          sampleRate: num(audio.sample_rate) ?? 48_000,
        }
      : null,
    audioStreams: audios.map((s) => ({
      index: s.index ?? data.streams.indexOf(s),
      channels: s.channels ?? 2,
      language: s.tags?.language ?? null,
      title: s.tags?.title ?? null,
      default: s.disposition?.default === 1,
    })),
    subtitleStreams: data.streams
      .filter((s) => s.codec_type === 'subtitle')
      .map((s) => ({
        index: s.index ?? data.streams.indexOf(s),
        codec: s.codec_name ?? 'unknown',
        language: s.tags?.language ?? null,
        title: s.tags?.title ?? null,
        default: s.disposition?.default === 1,
        forced: s.disposition?.forced === 1,
      })),
  };
}

/** The public part of {@link toSourceInfo}. */
export function toVideoMetadata(data: FfprobeData): VideoMetadata {
  return toSourceInfo(data).metadata;
}
