import { describe, expect, it } from 'vitest';
import {
  avc1Codec,
  avc1CodecFromInitSegment,
  h264LevelIdc,
  levelName,
  plannedAvc1Codec,
} from './h264-level.js';

describe('H.264 levels and codec strings', () => {
  it.each([
    [1920, 1080, 30, 5500, 40],
    [1920, 1080, 60, 8250, 42],
    [1280, 720, 30, 3080, 31],
    [640, 360, 30, 880, 30],
    [426, 240, 30, 440, 21],
    [3840, 2160, 30, 15400, 51],
  ])('%ix%i at %i fps, %i kbit/s peak → level %i', (w, h, fps, kbps, idc) => {
    expect(h264LevelIdc(w, h, fps, kbps)).toBe(idc);
  });

  it('names levels and codecs as x264 and RFC 6381 want them', () => {
    expect(levelName(31)).toBe('3.1');
    expect(plannedAvc1Codec(31)).toBe('avc1.64001f');
    expect(avc1Codec(0x42, 0xc0, 0x1e)).toBe('avc1.42c01e');
  });

  it('reads the real profile and level from an avcC box', () => {
    const box = new Uint8Array([0, 0, 0, 20, 0x61, 0x76, 0x63, 0x43, 1, 0x64, 0x00, 0x28, 0xff]);
    const init = new Uint8Array([...new Uint8Array(16), ...box]);
    expect(avc1CodecFromInitSegment(init)).toBe('avc1.640028');
    expect(avc1CodecFromInitSegment(new Uint8Array(64))).toBeNull();
  });
});
