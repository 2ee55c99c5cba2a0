import { describe, expect, it } from 'vitest';
import { msUntilAllowed, slidingCount } from './rate-limit.js';

const W = 60_000;

describe('slidingCount', () => {
  it('weights the previous window by the part of it still inside the last window', () => {
    expect(slidingCount(10, 2, 0, W)).toBe(12);
    expect(slidingCount(10, 2, W / 4, W)).toBe(9.5);
    expect(slidingCount(10, 2, W, W)).toBe(2);
  });
});

describe('msUntilAllowed', () => {
  const limit = { max: 3, windowMs: W };

  it('waits within the window while the previous one slides out', () => {
    // 3 last window, 1 now, one more refused at 0 s: it fits once 3·(1 − e/W) + 1 + 1 ≤ 3, at e = 40 s.
    expect(msUntilAllowed(3, 1, 0, limit)).toBe(40_000);
    expect(msUntilAllowed(3, 1, 10_000, limit)).toBe(30_000);
  });

  it('waits into the next window when this one alone is over', () => {
    // 3 now, a 4th refused at 30 s: 20 s into the next window, 3·(1 − 20/60) + 1 = 3.
    expect(msUntilAllowed(0, 3, 30_000, limit)).toBe(30_000 + 20_000);
    // 2 now and 5 before, a 3rd refused at 50 s: from the next window's start, 2 + 1 = 3.
    expect(msUntilAllowed(5, 2, 50_000, limit)).toBe(10_000);
  });

  it('is never negative, and the limit holds at the time it names', () => {
    for (const [p, c, e] of [
      [0, 3, 0],
      [7, 2, 1_000],
      [2, 3, 59_000],
      [100, 1, 30_000],
      [1, 0, 10_000],
    ] as const) {
      const wait = msUntilAllowed(p, c, e, limit);
      expect(wait).toBeGreaterThanOrEqual(0);
      const at = e + wait;
      const count = at < W ? slidingCount(p, c + 1, at, W) : slidingCount(c, 1, at - W, W);
      expect(count).toBeLessThanOrEqual(limit.max + 1e-9);
    }
  });
});
