// Reads a Chromium performance trace (what playwright's `browser.stopTracing()` returns) and says
// what the page's main thread did before its first frame: each top-level task with the work that
// filled it, and when the page's requests left. Used by `bench/ttff.ts` (BENCH_TRACE) to place the
// element's extra milliseconds against the SDK's.

/** The trace categories {@link summariseMainThread} reads. */
export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'disabled-by-default-v8.cpu_profiler',
];

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

/** One task of the main thread, in ms since navigation start. */
export interface MainThreadTask {
  start: number;
  duration: number;
  /** What filled it: the longest piece of timeline work inside it, e.g. `EvaluateScript reelkit-player.js`. */
  label: string;
}

export interface MainThreadSummary {
  /** Tasks of at least `minTaskMs`, in order. */
  tasks: MainThreadTask[];
  /** Main-thread time by kind of work (timeline events directly under a task), ms. */
  byKind: Record<string, number>;
  /** When each request left (`ResourceSendRequest`), ms since navigation start, by the URL's last path segment. */
  requests: Array<{ at: number; file: string }>;
}

const file = (url: unknown) => (typeof url === 'string' ? (url.split('?')[0]!.split('/').pop() ?? url) : '');

/** Human label of a timeline event: its name plus the script, event type or function it ran. */
function describe(e: TraceEvent): string {
  const d = e.args?.data ?? {};
  switch (e.name) {
    case 'EvaluateScript':
    case 'v8.compile':
    case 'v8.compileModule':
      return `${e.name} ${file(d.url)}`;
    case 'FunctionCall':
      return `FunctionCall ${file(d.url)}${d.functionName ? ` ${String(d.functionName)}` : ''}`;
    case 'EventDispatch':
      return `EventDispatch ${String(d.type ?? '')}`;
    case 'TimerFire':
    case 'FireAnimationFrame':
    case 'RunMicrotasks':
    case 'ParseHTML':
    case 'UpdateLayoutTree':
    case 'Layout':
    case 'Paint':
    default:
      return e.name;
  }
}

/**
 * Summarises the main thread of the page at `pageUrl` from its navigation start to `untilMs` after it.
 */
export function summariseMainThread(
  trace: { traceEvents: TraceEvent[] } | TraceEvent[],
  options: { pageUrl: string; untilMs: number; minTaskMs?: number },
): MainThreadSummary {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  // The page's main thread, from its navigation: other renderers (Chromium's own WebUI among them)
  // run beside it in the same trace.
  const nav = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL === options.pageUrl,
  );
  if (!nav) throw new Error(`the trace has no navigation to ${options.pageUrl}`);
  const mine = events.filter((e) => e.pid === nav.pid && e.tid === nav.tid);
  const origin = nav.ts;
  const until = origin + options.untilMs * 1000;
  const tasks = mine
    .filter((e) => e.ph === 'X' && e.cat.includes('toplevel') && e.ts >= origin && e.ts < until)
    .sort((a, b) => a.ts - b.ts);
  const timeline = mine.filter((e) => e.ph === 'X' && !e.cat.includes('toplevel') && e.ts >= origin);
  const byKind: Record<string, number> = {};
  const out: MainThreadTask[] = [];
  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    // Direct children: timeline events inside the task not inside another one inside it.
    const inside = timeline.filter((e) => e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
    const children = inside.filter(
      (e) =>
        !inside.some(
          (p) =>
            p !== e &&
            p.ts <= e.ts &&
            p.ts + (p.dur ?? 0) >= e.ts + (e.dur ?? 0) &&
            (p.dur ?? 0) > (e.dur ?? 0),
        ),
    );
    for (const c of children) byKind[describe(c)] = (byKind[describe(c)] ?? 0) + (c.dur ?? 0) / 1000;
    const longest = children.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))[0];
    const duration = (task.dur ?? 0) / 1000;
    if (duration >= (options.minTaskMs ?? 2))
      out.push({
        start: (task.ts - origin) / 1000,
        duration,
        label: longest ? `${describe(longest)} (${((longest.dur ?? 0) / 1000).toFixed(1)})` : task.name,
      });
  }
  const requests = mine
    .filter((e) => e.name === 'ResourceSendRequest' && e.ts >= origin && e.ts < until)
    .map((e) => ({ at: (e.ts - origin) / 1000, file: file(e.args?.data?.url) }));
  return { tasks: out, byKind, requests };
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber?: number; columnNumber?: number };
}

/** A JS function's time in a window of the main thread: inclusive (with what it called) and self. */
export interface FunctionTime {
  name: string;
  inclusive: number;
  self: number;
}

/**
 * The JavaScript the page's main thread ran between `fromMs` and `toMs` after its navigation start
 * (V8's sampling profiler, category `disabled-by-default-v8.cpu_profiler`), by function, longest
 * inclusive time first.
 */
export function functionsBetween(
  trace: { traceEvents: TraceEvent[] } | TraceEvent[],
  options: { pageUrl: string; fromMs: number; toMs: number },
): FunctionTime[] {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const nav = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL === options.pageUrl,
  );
  if (!nav) throw new Error(`the trace has no navigation to ${options.pageUrl}`);
  const profile = events.find((e) => e.name === 'Profile' && e.pid === nav.pid && e.tid === nav.tid) as
    (TraceEvent & { id?: string }) | undefined;
  if (!profile) return [];
  const nodes = new Map<number, ProfileNode>();
  let t = Number((profile.args?.data as { startTime?: number } | undefined)?.startTime ?? profile.ts);
  const from = nav.ts + options.fromMs * 1000;
  const to = nav.ts + options.toMs * 1000;
  const times = new Map<string, FunctionTime>();
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${file(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber ?? 0}:${n.callFrame.columnNumber ?? 0}` : ''}`;
  let previous: { node: number; at: number } | undefined;
  const account = (nodeId: number, ms: number) => {
    const seen = new Set<string>();
    let n = nodes.get(nodeId);
    let first = true;
    while (n) {
      const name = label(n);
      const entry = times.get(name) ?? { name, inclusive: 0, self: 0 };
      if (!seen.has(name)) entry.inclusive += ms;
      if (first) entry.self += ms;
      first = false;
      seen.add(name);
      times.set(name, entry);
      n = n.parent === undefined ? undefined : nodes.get(n.parent);
    }
  };
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.pid !== profile.pid || (e as { id?: string }).id !== profile.id)
      continue;
    const data = e.args?.data as
      { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of data?.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const samples = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    samples.forEach((node, i) => {
      t += deltas[i] ?? 0;
      if (previous && previous.at >= from && previous.at < to)
        account(previous.node, (t - previous.at) / 1000);
      previous = { node, at: t };
    });
  }
  return [...times.values()]
    .filter((f) => !/^\((root|program|idle)\)/.test(f.name))
    .sort((a, b) => b.inclusive - a.inclusive);
}
