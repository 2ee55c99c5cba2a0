// The faults of a soak run, on a schedule spread over the loaded part of the run: each one breaks
// something for real (kill -9, SIGSTOP, a Redis or database restart, a full disk), then waits
// until the stack has recovered and says how long that took. `planFaults` is pure.
import { readFile, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SoakStack, StackProcess } from './stack.js';

export const FAULTS = [
  'worker kill -9',
  'api kill -9',
  'redis restart',
  'database restart',
  'disk full',
  'worker paused',
] as const;
export type FaultName = (typeof FAULTS)[number];

/** A fault's name as a command-line word: `worker kill -9` → `worker-kill-9`. */
export const faultSlug = (name: FaultName): string => name.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface PlannedFault {
  name: FaultName;
  /** ms after the load started. */
  at: number;
}

/**
 * Every fault once, evenly spaced after a quiet first slot (the baseline) and before a quiet last
 * one, so each has load before and after it. `durationMs` is the loaded part of the run.
 */
export function planFaults(durationMs: number, faults: readonly FaultName[] = FAULTS): PlannedFault[] {
  const slot = durationMs / (faults.length + 2);
  return faults.map((name, i) => ({ name, at: Math.round(slot * (i + 1)) }));
}

export interface FaultOutcome {
  name: FaultName;
  /** ms after the load started: when the fault began, and when the stack had recovered. */
  start: number;
  end: number;
  recoverMs: number;
  note: string;
}

/** Pids of the ffmpeg processes a process started (its children), with their command lines. */
async function ffmpegChildren(pid: number): Promise<{ pid: number; cmd: string }[]> {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (/\bff(mpeg|probe)\b/.test(cmd)) out.push({ pid: Number(entry), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The worker running a job now (ffmpeg under it), waiting up to `budgetMs`; any worker if none. */
async function busyWorker(
  workers: StackProcess[],
  budgetMs: number,
): Promise<{ worker: StackProcess; videoId?: string }> {
  const end = Date.now() + budgetMs;
  while (Date.now() < end) {
    for (const worker of workers) {
      const pid = worker.pid();
      if (!pid) continue;
      const [ff] = await ffmpegChildren(pid);
      if (ff) return { worker, videoId: /[0-9a-f]{24}/.exec(ff.cmd)?.[0] };
    }
    await sleep(100);
  }
  return { worker: workers.find((w) => w.running()) ?? workers[0]! };
}

async function allReady(urls: string[]): Promise<boolean> {
  const answers = await Promise.all(
    urls.map((u) =>
      fetch(`${u}/readyz`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false),
    ),
  );
  return answers.every(Boolean);
}

async function waitUntil(check: () => Promise<boolean>, budgetMs: number): Promise<boolean> {
  const end = Date.now() + budgetMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await sleep(200);
  }
  return false;
}

export interface FaultContext {
  stack: SoakStack;
  /** ms since the load started. */
  now(): number;
  /** A video's status as the API shows it (for "the other worker finished the killed job"). */
  videoStatus(id: string): Promise<string | undefined>;
  lockDurationMs: number;
  /** How long the disk stays full. */
  fullForMs: number;
}

const RECOVERY_BUDGET_MS = 180_000;

/**
 * Starts a killed process again; false when it does not answer within its start budget (the run
 * goes on and the fault counts as not recovered, instead of the whole run ending without figures).
 */
async function restarted(proc: { start(): Promise<void> }): Promise<boolean> {
  try {
    await proc.start();
    return true;
  } catch (err) {
    console.error(`[soak] ${(err as Error).message.split('\n')[0]}`);
    return false;
  }
}

/** Waits until the video of the job a fault interrupted is ready or failed; false past the budget. */
function untilFinal(ctx: FaultContext, videoId: string): Promise<boolean> {
  return waitUntil(async () => {
    const s = await ctx.videoStatus(videoId);
    return s === 'ready' || s === 'failed';
  }, RECOVERY_BUDGET_MS);
}

export async function runFault(name: FaultName, ctx: FaultContext): Promise<FaultOutcome> {
  const { stack } = ctx;
  const start = ctx.now();
  let note = '';
  let recovered = true;
  switch (name) {
    case 'worker kill -9': {
      const { worker, videoId } = await busyWorker(stack.workers, 30_000);
      await worker.signal('SIGKILL');
      note = videoId
        ? `killed ${worker.name} during the job of ${videoId}`
        : `killed ${worker.name} (no job running)`;
      recovered = await restarted(worker);
      if (!recovered) note += ` — ${worker.name} did not answer after its restart`;
      else if (videoId) recovered = await untilFinal(ctx, videoId);
      break;
    }
    case 'api kill -9': {
      const api = stack.apis[0]!;
      await api.signal('SIGKILL');
      // A supervisor (systemd, Kubernetes) starts it again at once.
      note = `killed ${api.name}; restarted`;
      recovered = await restarted(api);
      if (!recovered) note += ` — ${api.name} did not answer after its restart`;
      else recovered = await waitUntil(() => allReady(stack.apiUrls), RECOVERY_BUDGET_MS);
      break;
    }
    case 'redis restart':
    case 'database restart': {
      const proc = name === 'redis restart' ? stack.redis : stack.database;
      await proc.signal('SIGTERM');
      await sleep(2000);
      note = `${proc.name} down about 2 s`;
      recovered = await restarted(proc);
      if (!recovered) note += ` — ${proc.name} did not answer after its restart`;
      else recovered = await waitUntil(() => allReady(stack.apiUrls), RECOVERY_BUDGET_MS);
      break;
    }
    case 'disk full': {
      await stack.volume.fill(0);
      await sleep(ctx.fullForMs);
      await stack.volume.unfill();
      note = `storage volume full for ${ctx.fullForMs / 1000} s`;
      break;
    }
    case 'worker paused': {
      const { worker, videoId } = await busyWorker(stack.workers, 30_000);
      await worker.signal('SIGSTOP');
      // Past the lock: the job is stalled and the other worker takes it over.
      await sleep(ctx.lockDurationMs * 3);
      await worker.signal('SIGCONT');
      note = `paused ${worker.name} for ${(ctx.lockDurationMs * 3) / 1000} s${videoId ? ` during the job of ${videoId}` : ''}`;
      if (videoId) recovered = await untilFinal(ctx, videoId);
      break;
    }
  }
  const end = ctx.now();
  if (!recovered) note += ' — NOT recovered within the budget';
  return { name, start, end, recoverMs: end - start, note };
}
