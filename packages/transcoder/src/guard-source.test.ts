import type { VideoMetadata } from '@reelkit/protocol';
import { describe, expect, it } from 'vitest';
import { guardSource } from './guard-source.js';

const limits = { maxDurationS: 3600, maxPixels: 1920 * 1080, maxFps: 60 };
const meta: VideoMetadata = {
  duration: 10,
  width: 1920,
  height: 1080,
  rotation: 0,
  hdr: null,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: null,
  hasAudio: false,
  hasVideo: true,
  bitrate: null,
  container: 'matroska,webm',
  sizeBytes: null,
};

describe('guardSource', () => {
  it('accepts a source within every limit', () => {
    expect(guardSource(meta, limits)).toBeNull();
  });

  it('accepts an audio-only source, which has no picture size or frame rate', () => {
    const audio = { ...meta, hasVideo: false, hasAudio: true, width: 0, height: 0, fps: 0, videoCodec: null };
    expect(guardSource({ ...audio, container: 'flac' }, limits)).toBeNull();
    expect(guardSource({ ...audio, container: 'mp3' }, limits)).toBeNull();
  });

  it.each([
    [{ container: 'hls' }, 'source_format_rejected'],
    [{ container: 'concat' }, 'source_format_rejected'],
    [{ hasVideo: false }, 'source_no_video'],
    [{ hasVideo: false, hasAudio: true, duration: 3601 }, 'source_too_long'],
    [{ duration: 0 }, 'source_unreadable'],
    [{ duration: 3601 }, 'source_too_long'],
    [{ width: 1922 }, 'source_too_large'],
    [{ fps: 60.1 }, 'source_fps_too_high'],
  ] as const)('refuses %j with %s', (over, code) => {
    expect(guardSource({ ...meta, ...over }, limits)?.code).toBe(code);
  });
});
