// ffmpeg arguments of the audio-only pipeline (an audio upload) and of a dub (one added audio
// track). Pure, like build-ffmpeg-args.ts, whose audio encoder and HLS options they share.
import { COMMON, ONE_JPEG, audioEncoderArgs, audioRenditionArgs } from './build-ffmpeg-args.js';
import { SAFE_INPUT_OPTIONS } from './safe-input-options.js';

/** One audio-only HLS variant (or a dub): its folder id under `hls/audio/` and bitrate. */
export interface AudioOutput {
  id: string;
  kbps: number;
}

/** What {@link buildAudioOnlyArgs} needs. */
export interface AudioOnlyArgsInput {
  /** Absolute path of the source file. */
  input: string;
  /** Folder laid out as the protocol's VIDEO_OUTPUT_PATHS. */
  outDir: string;
  /** ffprobe's absolute index of the audio stream to use. */
  streamIndex: number;
  variants: readonly AudioOutput[];
  /** Absolute path of the progressive `.m4a`, and its bitrate. */
  m4a: { path: string; kbps: number };
  segmentSeconds: number;
}

/**
 * One ffmpeg run that decodes the source's audio once and writes every audio-only variant as an
 * AAC fMP4 HLS rendition (the same encoder and muxer options as a video's audio tracks) and the
 * progressive faststart `.m4a`. Progress goes to stdout (`-progress pipe:1`).
 */
export function buildAudioOnlyArgs(input: AudioOnlyArgsInput): string[] {
  const tracks = input.variants.map((v) => ({ ...v, streamIndex: input.streamIndex }));
  return [
    ...COMMON,
    ...SAFE_INPUT_OPTIONS,
    '-i',
    input.input,
    ...audioRenditionArgs(input.outDir, tracks, input.segmentSeconds),
    '-map',
    `0:${input.streamIndex}`,
    ...audioEncoderArgs(input.m4a.kbps),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    input.m4a.path,
    '-progress',
    'pipe:1',
    '-nostats',
  ];
}

/** What {@link buildDubArgs} needs. */
export interface DubArgsInput {
  input: string;
  outDir: string;
  streamIndex: number;
  track: AudioOutput;
  segmentSeconds: number;
}

/**
 * One added audio track (a dub) as an AAC fMP4 HLS rendition in `hls/audio/<id>/`, encoded exactly
 * as the audio tracks of the video's own transcode, so it lines up with their segments.
 */
export function buildDubArgs(input: DubArgsInput): string[] {
  return [
    ...COMMON,
    ...SAFE_INPUT_OPTIONS,
    '-i',
    input.input,
    ...audioRenditionArgs(
      input.outDir,
      [{ ...input.track, streamIndex: input.streamIndex }],
      input.segmentSeconds,
    ),
    '-progress',
    'pipe:1',
    '-nostats',
  ];
}

/** Size of the generated poster of an audio-only video (16:9, as the player's default frame). */
export const AUDIO_POSTER_SIZE = { width: 1280, height: 720 } as const;

/** Background and bars of the generated poster: neutral slate, an equaliser-like glyph. */
const POSTER_BACKGROUND = '0x1f2937';
const POSTER_BARS = '0x9ca3af';
/** Bar heights of the glyph, as fractions of the poster's height. */
const BAR_HEIGHTS = [0.18, 0.34, 0.5, 0.3, 0.42, 0.22, 0.12] as const;

/**
 * A neutral poster for an audio-only video: a slate background with a row of bars centred on it,
 * drawn by lavfi from nothing (the source is not read: a waveform of a long recording would have
 * to decode and hold all of it).
 */
export function buildAudioPosterArgs(input: { output: string; width: number; height: number }): string[] {
  const { width: w, height: h } = input;
  const bar = Math.round(w / 40);
  const gap = Math.round(bar * 0.8);
  const total = BAR_HEIGHTS.length * bar + (BAR_HEIGHTS.length - 1) * gap;
  const left = Math.round((w - total) / 2);
  const boxes = BAR_HEIGHTS.map((f, i) => {
    const bh = Math.round(h * f);
    return `drawbox=x=${left + i * (bar + gap)}:y=${Math.round((h - bh) / 2)}:w=${bar}:h=${bh}:color=${POSTER_BARS}:t=fill`;
  });
  return [
    ...COMMON,
    '-f',
    'lavfi',
    '-i',
    [`color=c=${POSTER_BACKGROUND}:s=${w}x${h}:d=1`, ...boxes].join(','),
    ...ONE_JPEG,
    input.output,
  ];
}
