// H.264 levels (ITU-T H.264 Table A-1): the smallest level whose limits a rung fits, and the RFC 6381
// codecs string that names it.

interface LevelLimit {
  idc: number;
  /** Max frame size in macroblocks. */
  maxFs: number;
  /** Max macroblocks per second. */
  maxMbps: number;
  /** Max video bitrate in kbit/s for Baseline/Main; High allows 1.25×. */
  maxBrKbps: number;
}

const LEVELS: readonly LevelLimit[] = [
  { idc: 10, maxFs: 99, maxMbps: 1485, maxBrKbps: 64 },
  { idc: 11, maxFs: 396, maxMbps: 3000, maxBrKbps: 192 },
  { idc: 12, maxFs: 396, maxMbps: 6000, maxBrKbps: 384 },
  { idc: 13, maxFs: 396, maxMbps: 11880, maxBrKbps: 768 },
  { idc: 20, maxFs: 396, maxMbps: 11880, maxBrKbps: 2000 },
  { idc: 21, maxFs: 792, maxMbps: 19800, maxBrKbps: 4000 },
  { idc: 22, maxFs: 1620, maxMbps: 20250, maxBrKbps: 4000 },
  { idc: 30, maxFs: 1620, maxMbps: 40500, maxBrKbps: 10000 },
  { idc: 31, maxFs: 3600, maxMbps: 108000, maxBrKbps: 14000 },
  { idc: 32, maxFs: 5120, maxMbps: 216000, maxBrKbps: 20000 },
  { idc: 40, maxFs: 8192, maxMbps: 245760, maxBrKbps: 20000 },
  { idc: 41, maxFs: 8192, maxMbps: 245760, maxBrKbps: 50000 },
  { idc: 42, maxFs: 8704, maxMbps: 522240, maxBrKbps: 50000 },
  { idc: 50, maxFs: 22080, maxMbps: 589824, maxBrKbps: 135000 },
  { idc: 51, maxFs: 36864, maxMbps: 983040, maxBrKbps: 240000 },
  { idc: 52, maxFs: 36864, maxMbps: 2073600, maxBrKbps: 240000 },
];

/**
 * The smallest H.264 level (as `level_idc`, e.g. 31 for 3.1) that allows a High-profile stream of
 * this size, frame rate and peak bitrate. Falls back to 5.2 beyond the table.
 */
export function h264LevelIdc(width: number, height: number, fps: number, maxrateKbps: number): number {
  const wMbs = Math.ceil(width / 16);
  const hMbs = Math.ceil(height / 16);
  const frameMbs = wMbs * hMbs;
  const level = LEVELS.find(
    (l) =>
      frameMbs <= l.maxFs &&
      // Neither side may exceed sqrt(8 × MaxFS) macroblocks (A.3.1 h/i).
      Math.max(wMbs, hMbs) <= Math.sqrt(8 * l.maxFs) &&
      frameMbs * fps <= l.maxMbps &&
      maxrateKbps <= l.maxBrKbps * 1.25,
  );
  return (level ?? LEVELS[LEVELS.length - 1]!).idc;
}

/** `31` → `"3.1"`, as x264's `-level` takes it. */
export function levelName(idc: number): string {
  return `${Math.floor(idc / 10)}.${idc % 10}`;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** RFC 6381 `avc1.PPCCLL` from profile_idc, constraint flags and level_idc. */
export function avc1Codec(profileIdc: number, constraintFlags: number, levelIdc: number): string {
  return `avc1.${hex2(profileIdc)}${hex2(constraintFlags)}${hex2(levelIdc)}`;
}

/** What we ask x264 for: High profile (0x64), no constraint flags. */
export function plannedAvc1Codec(levelIdc: number): string {
  return avc1Codec(0x64, 0x00, levelIdc);
}

/**
 * The `avc1.PPCCLL` string of an encoded stream, read from the `avcC` box of an MP4 init segment
 * (the profile, constraint flags and level x264 really wrote: a fast preset may fall back to
 * Constrained Baseline, `avc1.42c0..`). `null` when there is no `avcC` box.
 */
export function avc1CodecFromInitSegment(bytes: Uint8Array): string | null {
  for (let i = 4; i + 8 <= bytes.length; i++) {
    // 'avcC' fourcc, then configurationVersion (1), profile, compatibility, level.
    if (bytes[i] === 0x61 && bytes[i + 1] === 0x76 && bytes[i + 2] === 0x63 && bytes[i + 3] === 0x43) {
      if (bytes[i + 4] !== 1) continue;
      return avc1Codec(bytes[i + 5]!, bytes[i + 6]!, bytes[i + 7]!);
    }
  }
  return null;
}

/** RFC 6381 name of AAC-LC, the only audio codec we write. */
export const AAC_LC_CODEC = 'mp4a.40.2';
