import type { VideoMetadata } from '@reelkit/protocol';
import { describe, expect, it } from 'vitest';
import { scoreSensitivity, sensitivityLabel, type SensitivityRules } from './score-sensitivity.js';

const rules: SensitivityRules = {
  keywords: ['nsfw', 'leaked'],
  minBytes: 10_000,
  maxBytes: 1_000_000_000,
  minDurationS: 1,
  maxDurationS: 3600,
};
const meta: VideoMetadata = {
  duration: 60,
  width: 1280,
  height: 720,
  rotation: 0,
  hdr: null,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: 'aac',
  hasAudio: true,
  hasVideo: true,
  bitrate: 1_000_000,
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  sizeBytes: 7_500_000,
};
const score = (
  over: Partial<VideoMetadata> = {},
  originalName?: string,
  sizeBytes: number | null = 7_500_000,
) => scoreSensitivity({ originalName, sizeBytes, metadata: { ...meta, ...over } }, rules);

describe('scoreSensitivity', () => {
  it('scores an ordinary mp4 100, safe, with no reasons', () => {
    expect(score({}, 'holiday.mp4')).toEqual({ score: 100, label: 'safe', reasons: [] });
  });

  it.each([
    ['a flagged keyword in the file name', {}, 'My_NSFW-clip.mp4', 7_500_000, 'filename_keyword', 15],
    ['a file that is too small', {}, undefined, 500, 'size_out_of_range', 10],
    ['a file that is too large', {}, undefined, 2_000_000_000, 'size_out_of_range', 10],
    [
      'a missing audio stream',
      { hasAudio: false, audioCodec: null },
      undefined,
      7_500_000,
      'missing_stream',
      15,
    ],
    ['a duration that is too short', { duration: 0.5 }, undefined, 7_500_000, 'duration_out_of_range', 10],
    ['a duration that is too long', { duration: 7200 }, undefined, 7_500_000, 'duration_out_of_range', 10],
    ['a non-standard container', { container: 'avi' }, undefined, 7_500_000, 'nonstandard_format', 15],
    ['a non-standard codec', { videoCodec: 'mpeg4' }, undefined, 7_500_000, 'nonstandard_format', 15],
  ] as const)('takes points off for %s', (_what, over, name, size, code, penalty) => {
    const r = score(over, name, size);
    expect(r.reasons).toEqual([expect.objectContaining({ code, penalty })]);
    expect(r.score).toBe(100 - penalty);
    expect(r.label).toBe('safe');
  });

  it('matches keywords as words, not inside other words', () => {
    expect(score({}, 'unleakedness.mp4').reasons).toEqual([]);
    expect(score({}, 'LeakedFootage.mov').reasons[0]?.code).toBe('filename_keyword');
  });

  it('adds every penalty up, each reason once, down to flagged', () => {
    const r = score(
      { hasAudio: false, audioCodec: null, duration: 0.2, container: 'mpegts' },
      'nsfw leaked nsfw.ts',
      100,
    );
    expect(r.reasons.map((x) => x.code)).toEqual([
      'filename_keyword',
      'size_out_of_range',
      'missing_stream',
      'duration_out_of_range',
      'nonstandard_format',
    ]);
    expect(r.score).toBe(100 - 15 - 10 - 15 - 10 - 15);
    expect(r.label).toBe('flagged');
  });

  it('labels ≥ 70 safe, 40–69 review, < 40 flagged', () => {
    expect([70, 69, 40, 39].map(sensitivityLabel)).toEqual(['safe', 'review', 'review', 'flagged']);
    expect(score({ hasAudio: false, container: 'avi' }, 'nsfw.avi').label).toBe('review');
  });
});
