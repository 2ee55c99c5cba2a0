import { h264LevelIdc } from './h264-level.js';

/** Rung names (short side of the frame), highest first. */
export const LADDER_RUNGS = [2160, 1440, 1080, 720, 480, 360, 240] as const;

/**
 * Target video bitrate per rung at up to 30 fps, kbit/s (× 1.5 above 30 fps). Audio is AAC-LC
 * stereo 48 kHz. The same table is in docs/transcoding.md.
 */
export const RUNG_BITRATES: Readonly<Record<number, { videoKbps: number; audioKbps: number }>> = {
  2160: { videoKbps: 14000, audioKbps: 128 },
  1440: { videoKbps: 8000, audioKbps: 128 },
  1080: { videoKbps: 5000, audioKbps: 128 },
  720: { videoKbps: 2800, audioKbps: 128 },
  480: { videoKbps: 1400, audioKbps: 96 },
  360: { videoKbps: 800, audioKbps: 96 },
  240: { videoKbps: 400, audioKbps: 64 },
};

/** Peak bitrate (`-maxrate`) relative to the target bitrate. */
export const MAXRATE_FACTOR = 1.1;
/** VBV buffer (`-bufsize`) relative to the target bitrate. */
export const BUFSIZE_FACTOR = 2;

/** A source whose short side is this close below a rung still gets it (1072 → "1080p"). */
const RUNG_TOLERANCE_PX = 8;

/** Output frame rates above this are halved (120 → 60, 100 → 50). */
export const MAX_OUTPUT_FPS = 60;

/** Rungs at or below this short side run at most {@link LOW_RUNG_MAX_FPS} (halved: 60 → 30). */
export const LOW_RUNG_MAX = 480;
/** Frame-rate cap of the low rungs, as Apple's HLS authoring guidance has it. */
export const LOW_RUNG_MAX_FPS = 30;

/** Common constant frame rates a variable-rate source is snapped up to. */
const STANDARD_RATES = [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60];

/**
 * The constant frame rate the outputs are written at. A constant-rate source keeps its rate; a
 * variable-rate one (average ≠ base rate, e.g. a phone clip averaging 26.2 of a nominal 30) gets
 * its base rate when that is plausible, else the next common rate at or above its average. An
 * interlaced source keeps its frame rate (its base rate may be the field rate).
 */
export function chooseOutputFps(source: {
  fps: number;
  baseFps: number;
  vfr: boolean;
  interlaced: boolean;
}): number {
  const avg = source.fps > 0 ? source.fps : source.baseFps > 0 ? source.baseFps : 30;
  if (!source.vfr || source.interlaced) return avg;
  if (source.baseFps > avg && source.baseFps <= MAX_OUTPUT_FPS) return source.baseFps;
  return STANDARD_RATES.find((r) => r >= avg * 0.99) ?? avg;
}

/** One rung of a planned ladder: its size, bitrates and H.264 level. */
export interface Rung {
  /** Name in `p`: the short side (720 for 1280×720 and for 720×1280). */
  rung: number;
  width: number;
  height: number;
  videoKbps: number;
  maxrateKbps: number;
  bufsizeKbps: number;
  audioKbps: number;
  /** H.264 level_idc, e.g. 31. */
  levelIdc: number;
  /** Constant output frame rate of this rung. */
  fps: number;
  /** Frames per GOP: segment duration × this rung's fps. */
  gop: number;
}

/** The ladder for one source, as {@link chooseLadder} plans it. */
export interface LadderPlan {
  /** Highest first. */
  rungs: Rung[];
  /**
   * Output frame rate of the top rungs (the requested rate, halved above {@link MAX_OUTPUT_FPS});
   * rungs of {@link LOW_RUNG_MAX}p and below are halved again while above {@link LOW_RUNG_MAX_FPS}.
   */
  fps: number;
  /** HLS segment duration in seconds; a keyframe starts every segment on every rung. */
  segmentSeconds: number;
  /** The rung also written as a progressive MP4: the middle of the ladder. */
  mp4Rung: number;
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
const evenFloor = (n: number) => Math.max(2, 2 * Math.floor(n / 2));

/**
 * Chooses the HLS ladder for a source of `width`×`height` (display size: sample aspect ratio and
 * rotation applied) written at the constant rate `fps` ({@link chooseOutputFps}): every rung of {@link LADDER_RUNGS} not above the source's short side, never upscaled,
 * even dimensions, aspect kept. Portrait sources are laddered by their short side too, so a
 * 720×1280 source gets rungs 720×1280, 480×854, 360×640, 240×426. A source smaller than 240p gets
 * one rung at its own (even) size.
 */
export function chooseLadder(
  source: { width: number; height: number; fps: number },
  options: { segmentSeconds: number },
): LadderPlan {
  const { width, height } = source;
  if (!(width > 0 && height > 0)) throw new RangeError(`no frame size: ${width}x${height}`);
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const portrait = height > width;
  const srcFps = source.fps > 0 ? source.fps : 30;
  const fps = Math.round((srcFps > MAX_OUTPUT_FPS ? srcFps / 2 : srcFps) * 1000) / 1000;

  let names: number[] = LADDER_RUNGS.filter((r) => short >= r - RUNG_TOLERANCE_PX);
  if (names.length === 0) names = [evenFloor(short)];

  const rungs = names.map((name): Rung => {
    const outShort = Math.min(name, evenFloor(short));
    const outLong = Math.min(even((long * outShort) / short), evenFloor(long));
    const w = portrait ? outShort : outLong;
    const h = portrait ? outLong : outShort;
    const rungFps =
      name <= LOW_RUNG_MAX && fps > LOW_RUNG_MAX_FPS ? Math.round((fps / 2) * 1000) / 1000 : fps;
    const bitrates = RUNG_BITRATES[name] ?? RUNG_BITRATES[240]!;
    const videoKbps = Math.round(bitrates.videoKbps * (rungFps > 30 ? 1.5 : 1));
    const maxrateKbps = Math.round(videoKbps * MAXRATE_FACTOR);
    return {
      rung: name,
      width: w,
      height: h,
      videoKbps,
      maxrateKbps,
      bufsizeKbps: Math.round(videoKbps * BUFSIZE_FACTOR),
      audioKbps: bitrates.audioKbps,
      levelIdc: h264LevelIdc(w, h, rungFps, maxrateKbps),
      fps: rungFps,
      gop: Math.max(1, Math.round(options.segmentSeconds * rungFps)),
    };
  });
  return {
    rungs,
    fps,
    segmentSeconds: options.segmentSeconds,
    mp4Rung: rungs[Math.floor((rungs.length - 1) / 2)]!.rung,
  };
}
