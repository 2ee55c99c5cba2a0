import { describe, expect, it } from 'vitest';
import {
  classify,
  isViolation,
  isFlat,
  judge,
  lostUploads,
  percentile,
  phaseTable,
  summarise,
  type Sample,
} from '../bench/soak/figures.js';

const window = [{ name: 'kill api', start: 1000, end: 2000 }];
const s = (status: number, at: number, extra: Partial<Sample> = {}): Sample => ({
  status,
  at,
  latencyMs: 10,
  ...extra,
});

describe('soak figures', () => {
  it('classifies statuses', () => {
    expect([0, 200, 206, 416, 503, 507, 500].map((status) => classify({ status }))).toEqual([
      'network',
      'ok',
      'ok',
      'client',
      'unavailable',
      'unavailable',
      'server',
    ]);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
  });

  it('allows only coded 503 with Retry-After inside fault windows', () => {
    const good = summarise(
      [
        s(200, 10),
        s(416, 20),
        s(503, 1500, { code: 'unavailable', retryAfter: true }),
        s(507, 1550, { code: 'storage_full', retryAfter: true }),
        s(0, 1600),
      ],
      window,
    );
    expect(good.violations).toBe(0);
    expect(good.answered).toBe(4);
    const bad = summarise(
      [s(503, 3000, { code: 'x', retryAfter: true }), s(500, 1500), s(503, 1500), s(507, 1500), s(0, 10)],
      window,
    );
    expect(bad.violations).toBe(5);
  });

  it('counts a request in flight during a window as inside it, however late it failed', () => {
    // Sent at 1500 (inside the window), timed out 20 s later (after it): a fault's doing.
    const late = { status: 0, at: 21_500, latencyMs: 20_000 };
    expect(isViolation(late, window)).toBe(false);
    // Sent after the window ended: the fault is no excuse.
    expect(isViolation({ status: 0, at: 40_000, latencyMs: 10_000 }, window)).toBe(true);
  });

  it('counts lost uploads and flat usage', () => {
    expect(lostUploads({ started: 10, identical: 8, failedWithCode: 1 })).toBe(1);
    expect(isFlat({ name: 'api', fdsStart: 40, fdsEnd: 45, rssStartMiB: 100, rssEndMiB: 120 })).toBe(true);
    expect(isFlat({ name: 'api', fdsStart: 40, fdsEnd: 400, rssStartMiB: 100, rssEndMiB: 120 })).toBe(false);
  });

  it('judges a run and renders a table', () => {
    const phase = { name: 'steady', ...summarise([s(200, 1), s(500, 2)], []) };
    const verdict = judge({
      phases: [phase],
      uploads: { started: 2, identical: 1, failedWithCode: 0 },
      stuckVideos: 1,
      usage: [],
    });
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toHaveLength(3);
    expect(phaseTable([phase])).toContain('| steady | 2 | 1 | 0 | 0 | 1 | 0 | 1 | 10 | 10 |');
  });

  it('names the descriptors that grew when a process is not flat', () => {
    const usage = {
      name: 'api-b',
      fdsStart: 25,
      fdsEnd: 48,
      rssStartMiB: 267,
      rssEndMiB: 255,
      fdGrowth: [['deleted storage tus temp', 23]] as [string, number][],
    };
    const verdict = judge({
      phases: [],
      uploads: { started: 0, identical: 0, failedWithCode: 0 },
      stuckVideos: 0,
      usage: [usage],
    });
    expect(verdict.reasons).toEqual(['api-b: fds 25→48 (deleted storage tus temp +23), RSS 267→255 MiB']);
  });
});
