import { describe, expect, it } from 'vitest';
import { formatTime, spokenTime } from './format-time.js';

describe('time display', () => {
  it('shows m:ss below an hour and h:mm:ss above', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(65.9)).toBe('1:05');
    expect(formatTime(3725)).toBe('1:02:05');
  });
  it('shows 0:00 for an unknown duration', () => {
    expect(formatTime(Number.NaN)).toBe('0:00');
    expect(formatTime(Number.POSITIVE_INFINITY)).toBe('0:00');
  });
  it('speaks positions in words', () => {
    expect(spokenTime(65)).toBe('1 minute 5 seconds');
    expect(spokenTime(0)).toBe('0 seconds');
  });
});
