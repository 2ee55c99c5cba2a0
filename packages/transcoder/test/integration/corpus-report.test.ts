import { describe, expect, it } from 'vitest';
import { describeSourceStream, renderCorpusReport, type CorpusRow } from './corpus-report.js';

const row: CorpusRow = {
  name: 'rotate-270',
  source: [
    {
      codec_type: 'video',
      codec_name: 'h264',
      width: 320,
      height: 180,
      r_frame_rate: '25/1',
      avg_frame_rate: '25/1',
      pix_fmt: 'yuv420p',
      side_data_list: [{ rotation: -90 }],
    },
  ],
  expected: 'portrait 180×320',
  rungs: [
    { video: { codec_type: 'video', width: 180, height: 320, r_frame_rate: '25/1' }, avStartS: -0.0004 },
  ],
  audio: { codec_type: 'audio', channels: 2, sample_rate: '48000' },
  audioRenditions: 1,
  storyboard: { columns: 1, rows: 1, tileWidth: 90, tileHeight: 160, cues: 1, distinct: 1 },
  got: 'a | b',
};

describe('the corpus report', () => {
  it('describes a source stream as ffprobe read it, display matrix included', () => {
    expect(describeSourceStream(row.source[0]!)).toBe(
      'h264 320×180 SAR 1:1 25 fps yuv420p –/–/–, display matrix -90°',
    );
  });

  it('shows what was measured, and says so of a clip the run did not measure', () => {
    const doc = renderCorpusReport(
      [row],
      [
        { name: 'rotate-270', expected: 'portrait 180×320' },
        { name: 'vfr', expected: 'constant 30 fps' },
      ],
      { date: new Date('2026-12-01T09:00:00Z'), ffmpeg: 'ffmpeg 5.1', node: 'v24' },
    );
    expect(doc).toContain('1 of 2 clips measured; not measured: vfr.');
    expect(doc).toContain(
      '| **rotate-270**: h264 320×180 SAR 1:1 25 fps yuv420p –/–/–, display matrix -90° | portrait 180×320 | 180×320 @25; SAR 1:1 | ? –/–/– | 2 ch 48000 Hz | −0.4 ms (1 frame 40 ms) | 1×1 of 90×160, 1 cues, 1 distinct | a \\| b |',
    );
    expect(doc).toMatch(
      /\| \*\*vfr\*\* \| constant 30 fps \| – \| – \| – \| – \| – \| not measured: its test failed \|/,
    );
  });
});
