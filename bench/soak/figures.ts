// Pure figures of a soak run: classify responses, summarise a phase and judge it against the
// reliability rules (5xx only inside fault windows and then only 503 with a code and
// Retry-After — or 507 `storage_full` likewise; no upload LOST; no video STUCK; fds and RSS flat). No I/O here.
import { growthLine } from './process-usage.js';

export type Outcome = 'ok' | 'client' | 'unavailable' | 'server' | 'network';

export interface Sample {
  /** HTTP status, or 0 when the request never got a response (reset, timeout). */
  status: number;
  /** ms since the run started: when the answer (or the failure) came. */
  at: number;
  /** How long it took: the request was sent at `at - latencyMs`. */
  latencyMs: number;
  /** Problem `code` of an error response, when it had one. */
  code?: string;
  retryAfter?: boolean;
}

export interface FaultWindow {
  name: string;
  start: number;
  end: number;
}

export function classify(sample: Pick<Sample, 'status'>): Outcome {
  const { status } = sample;
  if (status === 0) return 'network';
  if (status < 400) return 'ok';
  if (status < 500) return 'client';
  // 507 `storage_full` is the full-disk fault's own 503: "come back later", with a code.
  if (status === 503 || status === 507) return 'unavailable';
  return 'server';
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function insideFault(at: number, windows: readonly FaultWindow[], sentAt = at): boolean {
  return windows.some((w) => at >= w.start && sentAt <= w.end);
}

export interface PhaseFigures {
  answered: number;
  byOutcome: Record<Outcome, number>;
  /** 5xx or no answer outside every fault window, or a 5xx that is not a coded 503 + Retry-After. */
  violations: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Whether a sample breaks the rules: a 5xx or no answer outside every fault window, or inside one a
 * 5xx that is not a coded 503/507 with Retry-After.
 */
export function isViolation(s: Sample, windows: readonly FaultWindow[]): boolean {
  const outcome = classify(s);
  if (outcome === 'ok' || outcome === 'client') return false;
  // A request in flight at any moment of a window (sent to an API that was down or still starting,
  // answered or timed out after) belongs to it.
  if (!insideFault(s.at, windows, s.at - s.latencyMs)) return true;
  return outcome === 'server' || (outcome === 'unavailable' && !(s.code && s.retryAfter));
}

export function summarise(samples: readonly Sample[], windows: readonly FaultWindow[]): PhaseFigures {
  const byOutcome: Record<Outcome, number> = { ok: 0, client: 0, unavailable: 0, server: 0, network: 0 };
  let violations = 0;
  for (const s of samples) {
    byOutcome[classify(s)] += 1;
    if (isViolation(s, windows)) violations += 1;
  }
  const ok = samples.filter((s) => classify(s) === 'ok').map((s) => s.latencyMs);
  return {
    answered: samples.length - byOutcome.network,
    byOutcome,
    violations,
    p50Ms: percentile(ok, 50),
    p99Ms: percentile(ok, 99),
  };
}

export interface ProcessUsage {
  name: string;
  /**
   * Descriptors that are not sockets (files, pipes, …): a leak shows here. Sockets come and go
   * with clients (a crowd reconnecting to a restarted API), so they are reported, not judged.
   */
  fdsStart: number;
  fdsEnd: number;
  rssStartMiB: number;
  rssEndMiB: number;
  /** end − start of the non-socket descriptors by kind (`fdGrowth`), named in a FAIL reason. */
  fdGrowth?: readonly [string, number][];
}

/** Flat within noise: fds grow by at most `fdSlack`, RSS by at most `rssFactor` times. */
export function isFlat(u: ProcessUsage, fdSlack = 20, rssFactor = 1.5): boolean {
  return u.fdsEnd - u.fdsStart <= fdSlack && u.rssEndMiB <= u.rssStartMiB * rssFactor;
}

export interface UploadTally {
  started: number;
  identical: number;
  failedWithCode: number;
}

/** Uploads neither completed byte-identical nor failed with a code are LOST. */
export function lostUploads(t: UploadTally): number {
  return Math.max(0, t.started - t.identical - t.failedWithCode);
}

export interface Verdict {
  pass: boolean;
  reasons: string[];
}

export function judge(input: {
  phases: readonly (PhaseFigures & { name: string })[];
  uploads: UploadTally;
  stuckVideos: number;
  usage: readonly ProcessUsage[];
}): Verdict {
  const reasons: string[] = [];
  for (const p of input.phases)
    if (p.violations > 0) reasons.push(`${p.name}: ${p.violations} 5xx/unanswered outside the rules`);
  const lost = lostUploads(input.uploads);
  if (lost > 0) reasons.push(`${lost} upload(s) LOST`);
  if (input.stuckVideos > 0) reasons.push(`${input.stuckVideos} video(s) STUCK`);
  for (const u of input.usage)
    if (!isFlat(u))
      reasons.push(
        `${u.name}: fds ${u.fdsStart}→${u.fdsEnd}${u.fdGrowth ? ` (${growthLine(u.fdGrowth)})` : ''}, RSS ${u.rssStartMiB}→${u.rssEndMiB} MiB`,
      );
  return { pass: reasons.length === 0, reasons };
}

const cell = (n: number) => (Number.isNaN(n) ? '–' : String(Math.round(n)));

/** Markdown table of per-phase figures for docs/reliability.md. */
export function phaseTable(phases: readonly (PhaseFigures & { name: string })[]): string {
  const head =
    '| phase | answered | ok | 4xx | 503 | other 5xx | no answer | violations | p50 ms | p99 ms |\n' +
    '|---|---|---|---|---|---|---|---|---|---|';
  const rows = phases.map(
    (p) =>
      `| ${p.name} | ${p.answered} | ${p.byOutcome.ok} | ${p.byOutcome.client} | ${p.byOutcome.unavailable} | ` +
      `${p.byOutcome.server} | ${p.byOutcome.network} | ${p.violations} | ${cell(p.p50Ms)} | ${cell(p.p99Ms)} |`,
  );
  return [head, ...rows].join('\n');
}
