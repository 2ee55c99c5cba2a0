import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildStoryboardVtt, planStoryboard } from './plan-storyboard.js';

describe('planStoryboard', () => {
  it('takes one thumbnail a second for a short video, in one row', () => {
    expect(planStoryboard({ durationS: 5, width: 1280, height: 720 })).toEqual({
      interval: 1,
      count: 5,
      columns: 5,
      rows: 1,
      tileWidth: 160,
      tileHeight: 90,
    });
  });

  it('never takes more than 100 thumbnails, 10 per row', () => {
    const p = planStoryboard({ durationS: 4 * 3600, width: 720, height: 1280 });
    expect(p.count).toBeLessThanOrEqual(100);
    expect(p.interval).toBe(144);
    expect([p.columns, p.rows, p.tileWidth, p.tileHeight]).toEqual([10, 10, 90, 160]);
  });

  it('covers any duration, from a frame to a day, with 1–100 thumbnails in at most 10 rows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 86_400, noNaN: true }), (durationS) => {
        const p = planStoryboard({ durationS, width: 1920, height: 1080 });
        expect(p.count).toBeGreaterThanOrEqual(1);
        expect(p.count).toBeLessThanOrEqual(100);
        expect(p.rows).toBeLessThanOrEqual(10);
        expect(p.count * p.interval).toBeGreaterThanOrEqual(durationS);
        // No thumbnail past the end: the last one starts before the video ends.
        expect((p.count - 1) * p.interval).toBeLessThan(Math.max(durationS, 0.001));
      }),
    );
  });
});

describe('buildStoryboardVtt', () => {
  it('gives every thumbnail a cue pointing at its tile, the last ending at the duration', () => {
    const plan = { interval: 2, count: 3, columns: 2, rows: 2, tileWidth: 160, tileHeight: 90 };
    expect(buildStoryboardVtt(plan, 5.5, 'storyboard.jpg')).toBe(
      [
        'WEBVTT',
        '',
        '00:00:00.000 --> 00:00:02.000',
        'storyboard.jpg#xywh=0,0,160,90',
        '',
        '00:00:02.000 --> 00:00:04.000',
        'storyboard.jpg#xywh=160,0,160,90',
        '',
        '00:00:04.000 --> 00:00:05.500',
        'storyboard.jpg#xywh=0,90,160,90',
        '',
      ].join('\n'),
    );
  });
});
