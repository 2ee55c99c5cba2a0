// One soak run: the stack up, two organisations and a few ready videos seeded, socket crowds
// connected, then viewers, range readers, uploaders and hostile traffic for the run's duration
// while the faults happen on their schedule; then the load stops, every uploaded video is followed
// to a final state, and the figures and a verdict come back.
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { signup } from '../../test/support/api-client.js';
import { makeClip } from '../../test/support/clips.js';
import { DRAIN_BOUNDS, QueueProbe, drainStep, type DrainState } from './drain.js';
import { planFaults, runFault, type FaultName, type FaultOutcome } from './faults.js';
import {
  isViolation,
  judge,
  percentile,
  summarise,
  type FaultWindow,
  type PhaseFigures,
  type ProcessUsage,
  type Verdict,
} from './figures.js';
import { startHostile, type HostileFigures } from './hostile.js';
import { fdGrowth, groupFds, readUsage, type FdRoots, type Usage } from './process-usage.js';
import { Recorder, type TaggedSample } from './recorder.js';
import { startSockets, type SocketFigures } from './sockets.js';
import { startSoakStack, stopAllStacks, type Role, type SoakStack } from './stack.js';
import { clipOf, startUploaders, type UploadTally } from './uploaders.js';
import { startViewers } from './viewers.js';
import { bearer, World, type Org } from './world.js';
import { repoRoot } from '../lib/report.js';

export interface SoakOptions {
  /** How long the load runs (the faults happen inside it). */
  durationMs: number;
  viewers: number;
  readers: number;
  uploaders: number;
  sockets: number;
  hostileEveryMs: number;
  slowloris: number;
  volumeMiB: number;
  lockDurationMs: number;
  fullForMs: number;
  /** Which faults, in order (all by default). */
  faults?: readonly FaultName[];
  log(line: string): void;
}

export const SHORT: Omit<SoakOptions, 'log'> = {
  durationMs: 120_000,
  viewers: 6,
  readers: 2,
  uploaders: 2,
  sockets: 200,
  hostileEveryMs: 1000,
  slowloris: 2,
  volumeMiB: 256,
  lockDurationMs: 4000,
  fullForMs: 6000,
};

/**
 * The short run as `npm test` runs it, alone after the vitest step: the same faults and
 * assertions with a lighter load, so it stays within about four minutes on a busy 2-core machine
 * (the faults' own recoveries, not the load, take most of the time).
 */
export const CI: Omit<SoakOptions, 'log'> = {
  ...SHORT,
  durationMs: 90_000,
  viewers: 4,
  readers: 2,
  uploaders: 2,
  sockets: 100,
};

export const FULL: Omit<SoakOptions, 'log'> = {
  ...SHORT,
  durationMs: 600_000,
  viewers: 24,
  readers: 6,
  uploaders: 3,
  sockets: 500,
  hostileEveryMs: 500,
  slowloris: 4,
  volumeMiB: 512,
  fullForMs: 15_000,
};

export interface PhaseRow extends PhaseFigures {
  name: string;
  segments: number;
}

export interface UsageRow extends ProcessUsage {
  role: Role;
  starts: number;
  /** Every descriptor, sockets included. */
  allFdsStart: number;
  allFdsEnd: number;
  /** Non-socket descriptors by kind (`fdKind`) at both samples, and end − start of the kinds that changed. */
  fdKindsStart: Record<string, number>;
  fdKindsEnd: Record<string, number>;
  fdGrowth: [string, number][];
  /** Every non-socket link target at both samples (for the JSON). */
  fdTargetsStart: string[];
  fdTargetsEnd: string[];
}

export interface SoakReport {
  options: Omit<SoakOptions, 'log'>;
  loadMs: number;
  loadAverage: number[];
  phases: PhaseRow[];
  /** The first requests that broke the rules, for the report. */
  violations: TaggedSample[];
  faults: FaultOutcome[];
  uploads: UploadTally;
  videos: { ready: number; failed: number; failedCodes: Record<string, number>; stuck: string[] };
  jobsRunTwice: number;
  /** How long the drain took after the load stopped. */
  drainMs: number;
  /** The harness's event-loop delay during the load (ms): late reading looks like a slow API. */
  harnessLag: { p99Ms: number; maxMs: number };
  /** The APIs' "slow request" log lines (5 s or more on the server side). */
  slowRequests: string[];
  sockets: SocketFigures;
  hostile: HostileFigures;
  usage: UsageRow[];
  verdict: Verdict;
}

/** How long the seeding waits for its two videos. */
const SEED_BUDGET_MS = 240_000;

async function videoOf(world: World, org: Org, id: string) {
  for (const url of world.apis) {
    const res = await fetch(`${url}/v1/videos/${id}`, {
      headers: bearer(org),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    if (res?.ok) return (await res.json()) as { status: string; error?: { code?: string } | null };
  }
  return undefined;
}

/** Polls every tracked video not yet final; ready ones join the pool viewers watch. */
async function followTracked(world: World): Promise<void> {
  for (const t of world.tracked.values()) {
    if (t.status === 'ready' || t.status === 'failed') continue;
    const v = await videoOf(world, t.org, t.id);
    if (!v) continue;
    t.status = v.status;
    if (v.error?.code) t.errorCode = v.error.code;
    if (v.status === 'ready') world.addWatchable({ id: t.id, org: t.org });
  }
}

/** Samples fds and RSS of every process every few seconds, per (process, start). */
class UsageSampler {
  private readonly series = new Map<string, { starts: number; at: number; usage: Usage }[]>();
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly stack: SoakStack,
    private readonly roots: FdRoots,
  ) {}
  async sample(): Promise<void> {
    for (const p of this.stack.all()) {
      const pid = p.pid();
      if (!pid) continue;
      const usage = await readUsage(pid).catch(() => undefined);
      if (!usage) continue;
      const s = this.series.get(p.name) ?? [];
      s.push({ starts: p.starts(), at: Date.now(), usage });
      this.series.set(p.name, s);
    }
  }
  start(everyMs: number) {
    this.timer = setInterval(() => void this.sample(), everyMs);
  }
  stop() {
    clearInterval(this.timer);
  }
  /**
   * Start and end of each process's latest life: its first sample at least `warmMs` after it
   * answered (a restarted process warms up again, and its clients reconnect), and its last sample.
   */
  rows(warmMs: number): UsageRow[] {
    const rows: UsageRow[] = [];
    for (const p of this.stack.all()) {
      const life = (this.series.get(p.name) ?? []).filter((s) => s.starts === p.starts());
      if (life.length === 0) continue;
      const first = life.find((s) => s.at >= p.readyAt() + warmMs) ?? life[0]!;
      const last = life.at(-1)!;
      const fdKindsStart = groupFds(first.usage.targets, this.roots);
      const fdKindsEnd = groupFds(last.usage.targets, this.roots);
      rows.push({
        name: p.name,
        role: p.role,
        starts: p.starts(),
        fdsStart: first.usage.fileFds,
        fdsEnd: last.usage.fileFds,
        allFdsStart: first.usage.fds,
        allFdsEnd: last.usage.fds,
        fdKindsStart,
        fdKindsEnd,
        fdGrowth: fdGrowth(fdKindsStart, fdKindsEnd),
        fdTargetsStart: first.usage.targets,
        fdTargetsEnd: last.usage.targets,
        rssStartMiB: Math.round(first.usage.rssMiB),
        rssEndMiB: Math.round(last.usage.rssMiB),
      });
    }
    return rows;
  }
}

async function jobsRunTwice(stack: SoakStack): Promise<number> {
  const done = new Map<string, number>();
  for (const w of stack.workers) {
    const text = await readFile(w.logFile, 'utf8').catch(() => '');
    for (const m of text.matchAll(/"videoId":"([0-9a-f]{24})"[^\n]*"msg":"transcoded"/g))
      done.set(m[1]!, (done.get(m[1]!) ?? 0) + 1);
  }
  return [...done.values()].filter((n) => n > 1).length;
}

/** The APIs' slow-request lines (`slowRequestLog`), shortened, times in s after the load started. */
async function slowRequests(stack: SoakStack, loadEpochMs: number): Promise<string[]> {
  const out: string[] = [];
  for (const api of stack.apis) {
    const text = await readFile(api.logFile, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.includes('"msg":"slow request"')) continue;
      try {
        const l = JSON.parse(line) as {
          time: number;
          method: string;
          path: string;
          status: number;
          ms: number;
          stages?: object;
        };
        out.push(
          `${api.name}, answered at ${((l.time - loadEpochMs) / 1000).toFixed(1)} s: ${l.method} ${l.path} → ${l.status} in ${l.ms} ms${l.stages ? ` ${JSON.stringify(l.stages)}` : ''}`,
        );
      } catch {
        // a line cut by a kill -9
      }
    }
  }
  return out;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { log, ...settings } = options;
  log('making test clips');
  const clips = await Promise.all(
    [2, 3, 4].map(async (seconds) =>
      clipOf(await readFile(await makeClip({ width: 320, height: 240, seconds, fps: 25 }))),
    ),
  );
  // Before the stack starts: a signal during start-up must unmount what is already mounted.
  const onSignal = () => {
    void stopAllStacks().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log('starting the stack (Redis, database, 2 APIs, 2 workers)');
    const stack = await startSoakStack({
      volumeMiB: options.volumeMiB,
      lockDurationMs: options.lockDurationMs,
    });
    const orgs: Org[] = [];
    for (const name of ['Soak One', 'Soak Two']) {
      const admin = await signup(stack.apiUrls[0]!, name);
      orgs.push({ id: admin.orgId, token: admin.accessToken });
    }
    const t0 = Date.now();
    const rec = new Recorder(t0);
    const world = new World(stack.apiUrls, orgs, rec);

    log('seeding two ready videos');
    const tally: UploadTally = {
      started: 0,
      identical: 0,
      failedWithCode: 0,
      retries: 0,
      codes: {},
      lost: [],
      failures: [],
    };
    const seeding = startUploaders(world, 2, clips, tally);
    const seedEnd = Date.now() + SEED_BUDGET_MS;
    while (world.watchable.length < 2 && Date.now() < seedEnd) {
      await followTracked(world);
      await sleep(1000);
    }
    world.stopped = true;
    await seeding;
    if (world.watchable.length < 2)
      throw new Error('the seed videos never became ready; see the worker logs');
    world.stopped = false;

    log(`connecting ${options.sockets} socket.io clients`);
    const crowd = await startSockets(stack.apiUrls, orgs, options.sockets);
    const sampler = new UsageSampler(stack, { storage: stack.volume.dir, work: stack.work, repo: repoRoot });
    await sampler.sample();
    sampler.start(5000);

    // The load, from here: samples and fault times are relative to loadStart.
    const loadStart = rec.now();
    // The harness's own event loop: a client that is late reading its answers would blame the API.
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    const since = () => rec.now() - loadStart;
    log(
      `load for ${options.durationMs / 1000} s: ${options.viewers} viewers, ${options.readers} range readers, ${options.uploaders} uploaders`,
    );
    const hostile: HostileFigures = {
      sent: 0,
      notRefused: 0,
      slowloris: 0,
      slowlorisClosed: 0,
      slowlorisLongestS: 0,
    };
    const loops = Promise.all([
      startViewers(world, options.viewers, options.readers),
      startUploaders(world, options.uploaders, clips, tally),
      startHostile(world, options.hostileEveryMs, options.slowloris, hostile),
    ]);
    const follower = (async () => {
      while (!world.stopped) {
        await followTracked(world);
        await world.pause(2000);
      }
    })();

    const faults: FaultOutcome[] = [];
    const ctx = {
      stack,
      now: since,
      lockDurationMs: options.lockDurationMs,
      fullForMs: options.fullForMs,
      videoStatus: async (id: string) => {
        const t = world.tracked.get(id);
        return t ? (await videoOf(world, t.org, id))?.status : undefined;
      },
    };
    for (const planned of planFaults(options.durationMs, options.faults)) {
      const wait = planned.at - since();
      if (wait > 0) await sleep(wait);
      log(`fault: ${planned.name}`);
      const outcome = await runFault(planned.name, ctx);
      log(`  ${outcome.note}; recovered in ${(outcome.recoverMs / 1000).toFixed(1)} s`);
      faults.push(outcome);
    }
    const rest = options.durationMs - since();
    if (rest > 0) await sleep(rest);
    const loadMs = since();
    log('stopping the load; uploads under way finish');
    world.stopped = true;
    await loops;
    await follower;

    log('following every uploaded video to a final state, until the queue is empty');
    lag.disable();
    const open = () =>
      [...world.tracked.values()].filter((t) => t.status !== 'ready' && t.status !== 'failed');
    const probe = new QueueProbe(stack.env.REDIS_URL!, stack.env.REDIS_PREFIX!);
    const drainStart = Date.now();
    const seen: { at: number; state: DrainState }[] = [];
    let drained: ReturnType<typeof drainStep> = 'wait';
    let stories: string[] = [];
    try {
      while (drained === 'wait') {
        await followTracked(world);
        const counts = await probe.counts().catch(() => ({ pending: -1, settled: -1 }));
        seen.push({ at: Date.now() - drainStart, state: { open: open().length, ...counts } });
        drained = drainStep(seen, DRAIN_BOUNDS);
        if (drained === 'wait') await sleep(2000);
      }
      stories = await Promise.all(
        open().map(async (t) => `${t.id} (${t.status}; ${await probe.story(t.id).catch(String)})`),
      );
    } finally {
      await probe.close();
    }
    const drainMs = Date.now() - drainStart;
    log(`drained in ${(drainMs / 1000).toFixed(0)} s (${drained})`);
    // Let the last events reach the sockets.
    await sleep(5000);
    await sampler.sample();
    sampler.stop();

    const tracked = [...world.tracked.values()];
    const failedCodes: Record<string, number> = {};
    for (const t of tracked.filter((v) => v.status === 'failed'))
      failedCodes[t.errorCode ?? '(none)'] = (failedCodes[t.errorCode ?? '(none)'] ?? 0) + 1;
    const finished = new Map(
      tracked.filter((t) => t.status === 'ready' || t.status === 'failed').map((t) => [t.id, t.org.id]),
    );
    const sockets = crowd.figures(finished);
    crowd.close();

    const windows: FaultWindow[] = faults.map((f) => ({
      name: f.name,
      start: loadStart + f.start,
      end: loadStart + f.end + 3000,
    }));
    const bounds = [0, ...faults.map((f) => loadStart + f.start), Number.POSITIVE_INFINITY];
    const names = ['baseline', ...faults.map((f) => f.name)];
    const loaded = rec.samples.filter((s) => s.at >= loadStart);
    const phases: PhaseRow[] = names.map((name, i) => {
      const inPhase = loaded.filter((s) => s.at >= Math.max(loadStart, bounds[i]!) && s.at < bounds[i + 1]!);
      const segs = inPhase.filter((s) => s.kind === 'segment' && s.status === 200).map((s) => s.latencyMs);
      return {
        name,
        ...summarise(inPhase, windows),
        p50Ms: percentile(segs, 50),
        p99Ms: percentile(segs, 99),
        segments: segs.length,
      };
    });
    const usage = sampler.rows(15_000);
    const stuck = stories;
    const verdict = judge({
      phases,
      uploads: { started: tally.started, identical: tally.identical, failedWithCode: tally.failedWithCode },
      stuckVideos: stuck.length,
      // Ours are judged; Redis and the database are reported (their descriptors follow what the
      // clients open: FerretDB opens a SQLite file per collection as it is first used).
      usage: usage.filter((u) => u.role === 'api' || u.role === 'worker'),
    });
    if (sockets.missed > 0)
      verdict.reasons.push(`${sockets.missed} event(s) missed by socket clients after reconnecting`);
    if (failedCodes['(none)'])
      verdict.reasons.push(`${failedCodes['(none)']} video(s) failed without a code`);
    const answeredHostile = rec.samples.filter(
      (s) => s.kind === 'hostile' && s.status > 0 && s.status < 400,
    ).length;
    if (answeredHostile > 0) verdict.reasons.push(`${answeredHostile} hostile request(s) answered 2xx/3xx`);
    for (const f of faults) if (/NOT recovered/.test(f.note)) verdict.reasons.push(`${f.name}: ${f.note}`);
    verdict.pass = verdict.reasons.length === 0;
    return {
      options: settings,
      loadMs,
      loadAverage: loadavg(),
      phases,
      violations: loaded
        .filter((s) => isViolation(s, windows))
        .slice(0, 20)
        .map((s) => ({ ...s, at: s.at - loadStart })),
      faults,
      uploads: tally,
      videos: {
        ready: tracked.filter((t) => t.status === 'ready').length,
        failed: tracked.filter((t) => t.status === 'failed').length,
        failedCodes,
        stuck,
      },
      jobsRunTwice: await jobsRunTwice(stack),
      drainMs,
      harnessLag: { p99Ms: Math.round(lag.percentile(99) / 1e6), maxMs: Math.round(lag.max / 1e6) },
      slowRequests: await slowRequests(stack, t0 + loadStart),
      sockets,
      hostile,
      usage,
      verdict,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAllStacks();
  }
}
