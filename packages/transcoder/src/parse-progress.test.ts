import { describe, expect, it } from 'vitest';
import { progressFromLine, throttle, type ThrottleState } from './parse-progress.js';

describe('progressFromLine', () => {
  it('turns out_time_us into percent of the duration', () => {
    expect(progressFromLine('out_time_us=2500000', 10)).toBe(25);
    expect(progressFromLine('out_time_ms=5000000', 10)).toBe(50);
  });

  it('caps at 99.9 until ffmpeg says progress=end', () => {
    expect(progressFromLine('out_time_us=12000000', 10)).toBe(99.9);
    expect(progressFromLine('progress=continue', 10)).toBeNull();
    expect(progressFromLine('progress=end', 10)).toBe(100);
  });

  it('ignores other keys, N/A values and a zero duration', () => {
    expect(progressFromLine('frame=120', 10)).toBeNull();
    expect(progressFromLine('out_time_us=N/A', 10)).toBeNull();
    expect(progressFromLine('out_time_us=-5000', 10)).toBe(0);
    expect(progressFromLine('out_time_us=100', 0)).toBeNull();
    expect(progressFromLine('garbage', 10)).toBeNull();
  });
});

describe('throttle', () => {
  it('lets at most one update through per 500 ms, and no repeats', () => {
    let state: ThrottleState = { lastAt: null, lastValue: null };
    const emitted: number[] = [];
    // An update every 100 ms for 3 s, alternating between two values half the time.
    for (let t = 0; t <= 3000; t += 100) {
      const r = throttle(state, t, `transcode:${Math.floor(t / 200)}`);
      state = r.state;
      if (r.emit) emitted.push(t);
    }
    expect(emitted).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    for (let i = 1; i < emitted.length; i++)
      expect(emitted[i]! - emitted[i - 1]!).toBeGreaterThanOrEqual(500);
  });

  it('drops an update equal to the last one even when due', () => {
    const first = throttle({ lastAt: null, lastValue: null }, 0, 'probe:0');
    expect(first.emit).toBe(true);
    expect(throttle(first.state, 10_000, 'probe:0').emit).toBe(false);
    expect(throttle(first.state, 10_000, 'thumbnails:0').emit).toBe(true);
  });
});
