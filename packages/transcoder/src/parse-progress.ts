/**
 * Percent done from one line of ffmpeg's `-progress` output, for a source of `durationS` seconds:
 * `out_time_us=…` (and `out_time_ms=…`, which ffmpeg also prints in microseconds) gives the
 * position; `progress=end` is 100. Any other line, or `N/A`, gives `null`.
 */
export function progressFromLine(line: string, durationS: number): number | null {
  const eq = line.indexOf('=');
  if (eq < 0) return null;
  const key = line.slice(0, eq).trim();
  const value = line.slice(eq + 1).trim();
  if (key === 'progress') return value === 'end' ? 100 : null;
  if (key !== 'out_time_us' && key !== 'out_time_ms') return null;
  const us = Number(value);
  if (!Number.isFinite(us) || durationS <= 0) return null;
  const percent = (Math.max(0, us) / 1e6 / durationS) * 100;
  return Math.min(99.9, Math.round(percent * 10) / 10);
}

/** State of {@link throttle}: when it last let an update through, and which. */
export interface ThrottleState {
  lastAt: number | null;
  lastValue: string | null;
}

/**
 * Whether to pass an update on now: never more often than once per `intervalMs` (500 ms: at most
 * twice a second), and never the same value twice in a row. `value` is the update's identity
 * (e.g. `"transcode:42.5"`); `now` is a clock reading in ms.
 */
export function throttle(
  state: ThrottleState,
  now: number,
  value: string,
  intervalMs = 500,
): { emit: boolean; state: ThrottleState } {
  const due = state.lastAt === null || now - state.lastAt >= intervalMs;
  if (!due || value === state.lastValue) return { emit: false, state };
  return { emit: true, state: { lastAt: now, lastValue: value } };
}
