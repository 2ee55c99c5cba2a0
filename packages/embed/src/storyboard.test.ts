import { describe, expect, it } from 'vitest';
import { cueAt, parseStoryboardVtt, parseVttTime } from './storyboard.js';

const VTT = `WEBVTT

00:00:00.000 --> 00:00:02.000
storyboard.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000
storyboard.jpg#xywh=160,0,160,90

3
00:00:04.000 --> 00:00:06.500
storyboard.jpg#xywh=0,90,160,90

00:00:06.500 --> 00:00:07.000
no-fragment.jpg
`;

describe('storyboard WebVTT', () => {
  it('reads cues with their sprite rectangles and resolves the image against the signed base', () => {
    const cues = parseStoryboardVtt(VTT, 'https://v.example.com/v1/play/TOKEN/abc/storyboard.vtt');
    expect(cues).toHaveLength(3);
    expect(cues[1]).toEqual({
      start: 2,
      end: 4,
      url: 'https://v.example.com/v1/play/TOKEN/abc/storyboard.jpg',
      x: 160,
      y: 0,
      w: 160,
      h: 90,
    });
  });

  it('finds the thumbnail for a position, clamping before the first and after the last cue', () => {
    const cues = parseStoryboardVtt(VTT, 'https://v.example.com/sb.vtt');
    expect(cueAt(cues, 3.2)?.x).toBe(160);
    expect(cueAt(cues, 4)?.y).toBe(90);
    expect(cueAt(cues, -1)?.start).toBe(0);
    expect(cueAt(cues, 99)?.start).toBe(4);
    expect(cueAt([], 1)).toBeUndefined();
  });

  it('parses short and long timestamps and rejects malformed ones', () => {
    expect(parseVttTime('01:02.5')).toBeCloseTo(62.5);
    expect(parseVttTime('1:00:00.000')).toBe(3600);
    expect(parseVttTime('nope')).toBeNaN();
  });
});
