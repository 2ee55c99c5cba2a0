// `npm run bench:delivery`: signed segments on the hot path. 12 signed segment URLs across three
// rungs, requested in turn by wrk (-c8 and -c64), against: Reelkit as shipped (the whole app; segments
// answered by the front ahead of Koa from memory), the same app with DELIVERY_CACHE_MB=0 (the route's
// read path: shared descriptors and pooled buffers), nginx alone serving the same files
// (`sendfile on`), and nginx in front of Reelkit with DELIVERY_OFFLOAD=x-accel (the shipped
// deploy/nginx/reelkit.conf.template). Rounds alternate the four so drift on a shared machine hits
// each alike; the load average is recorded per run. Writes its section of docs/benchmarks.md.
// Needs wrk and nginx (Debian wrk, nginx-light); `npm test` installs nginx-light, not wrk.
//
// Knobs: BENCH_SECONDS per wrk run (8), BENCH_ROUNDS (3).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Types } from 'mongoose';
import {
  connectDatabase,
  createApp,
  createLogger,
  createRedis,
  listen,
  loadServerConfig,
} from '../packages/server/src/index.js';
import { readFileSync } from 'node:fs';
import { canPin, cpuMs, nginxPids, pin } from './lib/process-cpu.js';
import { nginxBinary, reelkitNginxConfig, startNginx, type RunningNginx } from '../test/support/nginx.js';
import {
  machineLine,
  repoRoot,
  runWrk,
  writeBenchmarkSection,
  type WrkResult,
  testServices,
} from './lib/report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = [8, 64] as const;
const ACCEL_PREFIX = '/_reelkit_storage';
/** Three rungs, four 2 s segments each, at sizes a 2 s fMP4 segment of that rung has. */
const RUNGS = [
  { name: '240p', kib: 90 },
  { name: '480p', kib: 280 },
  { name: '720p', kib: 640 },
];
const SEGMENTS_PER_RUNG = 4;

/** What the profiles said (kept by hand: the benchmark measures, it does not profile). */
const WHERE_THE_TIME_GOES = `Where the time goes, after the prepared head (2026-12-01 15:00–15:35, \`perf record -g\` of the front with
\`--perf-basic-prof\` under this benchmark's wrk, load average 4–15): the kernel has 53–62 % of the process's
samples — \`_copy_from_iter\`, the copy of every body into the socket, 23–29 % on its own, the rest TCP and
loopback work that nginx's worker pays too — and Node's own code the other 38–47 %, mostly its HTTP machinery
(the parser, \`IncomingMessage\` and \`ServerResponse\`, \`end\` and the socket's write path 7–8 %, the
\`finish\` ticks 4 %). The front itself is about 10 %: the path allow-list 0.5–1 %, the cached token check 1 %,
the request id 1 %, the duration histogram (prom-client's \`observe\`) 0.8–1.8 %. Before, \`writeHead\` with the
~40-entry header list took 3.5 % (validating every name and value, \`_storeHeader\`); a head prepared once per
held file (\`playback/prepared-head.ts\`, byte for byte what \`writeHead\` sends — \`prepared-head.test.ts\`
compares them on the wire, keep-alive, pipelining and \`Connection: close\` included) takes 0.3 %. The token
cache hashed the ~400-character token of each request (1.2 µs); it is keyed by the signature now (0.5 µs).
Before / after on one machine, the two servers driven at once by two wrk (so both see the same load), 6 pairs
each, load average 6–8: CPU per request **−9 % at c=8 and −7 % at c=64**, its user part 53 → 40 and 50 → 34 µs —
noisy (single pairs from −21 % to +10 %), not a verdict; the final code against the code before, one at a
time in alternating order, 6 rounds each at load 10–11: −7 % at c=8, −8 % at c=64 (user part 47 → 40 and
43 → 40 µs). What remains of the gap to nginx is Node's HTTP
machinery and the copy, which no change to the front removes: Node has no \`sendfile\` for sockets.

Earlier profile. **Node front at -c64** (2026-12-01, load average 6–17, the other engineers' tests running):
\`strace -c\` of the server shows, per request, one \`writev\` carrying headers and body together (no partial
write and no \`EAGAIN\`: the loopback socket's send buffer takes a 640 KiB segment at once, so one \`end(buf)\`
is already the cheapest way to write it and chunked writes with \`cork\` would only add calls), one \`read\`,
about 0.1 \`epoll_pwait\` (some 11 requests per turn of the loop), and 12 \`statx\` a second (one per held file);
no \`open\` or \`close\`. From \`/proc\`, the server spends **210–250 µs of CPU per request (user 80–100, system
130–145) against nginx's 90–110 (user 11–17, system 74–93)**, 2.3–3× — the "server CPU µs/request" column
measures the same. The system part is the copy into the socket (Node has no \`sendfile\`; nginx hands the
kernel page-cache pages); the user part is Node's HTTP parser and writer (request object, header validation
of ~35 response headers, \`finish\` callbacks) around a front that is itself small. \`--cpu-prof\` of one
-c64 run: \`writev\` 37 % of samples, idle 27 % (waiting for wrk), \`res.end\` inclusive 42 %, \`writeHead\`
4 %, the metrics histogram 1.6 %, garbage collection 1.4 %, the request id 0.6 %, the token check 0.3 %.
\`--trace-gc\`: a scavenge every ~2.5 s (2–10 ms), no mark-compact during the runs. Where requests/s then goes
depends on who gets the cores: when wrk, nginx, Node and other work share two cores, a server that needs 2.5×
nginx's CPU per request falls further behind the busier the machine is (the event-loop delay p99 was 82 ms
at load 17 on the shared cores, 13 ms with the servers pinned to their own core). The once-a-second \`stat\`
of a held file used to make every request for it wait while the \`stat\` sat in libuv's thread pool behind
other work; it now runs in the background from 0.8 s on (\`entryAge\` in \`hot-file-cache.ts\`; the 12:19 run
below started it at 0.5 s, which doubled the \`stat\`s — 4 % of the process's samples in a profile at load 13).
A multi-process mode (\`node:cluster\`) was not added: socket.io's polling transport needs sticky sessions
across processes (the client starts with long-polling), which the server does not have yet.

**x-accel at -c64**: nginx's worker spent ~150 µs of CPU per request with the cached decision against ~100 alone
(user 45 vs 14, system 104–113 vs 83–93). \`strace -c\`: per request the subrequest added one \`openat\`, two
\`newfstatat\`, one \`close\` and the \`pread64\` of the decision's cache entry; the shipped template now keeps
those descriptors open (\`open_file_cache\`, which nginx alone gets too), leaving the \`pread64\`. When the
5 s decision expires, each of the requests in flight asks Reelkit (up to 64 upstream connections and cache
writes at once, every 5 s) — a cost of milliseconds, kept because the alternatives would wait on a lock's
timer or reuse a refused decision (see [guide-scaling.md](guide-scaling.md#nginx-in-front-sending-the-bytes-delivery_offloadx-accel)).

Earlier runs of this benchmark: before the fast path (2026-11-30, load average about 16) 0.25×/0.27× nginx at
c=8/c=64; with the Koa-level fast path (same day, load 14–16) 0.43×/0.44×, x-accel 0.38×/0.49×; with the front
and the cached decision on a quiet machine (2026-12-01 10:14, load 2) 0.79×/0.59×, x-accel 0.96×/0.77×, the
front's c=64 rounds 7416, 4548 and 4549 requests/s with all three Reelkit apps in one process.`;

type Mode = 'own' | 'route' | 'accel';

/** What a server child prints once listening. */
interface Ready {
  url: string;
  pid: number;
  /** A playback token for the video (from the `own` child; every child verifies it alike). */
  token: string;
}

/** What a server child says when asked (a line `stats` on its stdin), since the last time asked. */
interface ChildStats {
  /** The event loop's delay (`monitorEventLoopDelay`), ms. */
  eldP50: number;
  eldP99: number;
  eldMax: number;
}

/**
 * Child: one app in a process of its own, as in production (so one server's garbage or timers do
 * not weigh on another's rounds), over the shared storage folder; prints a JSON line when
 * listening, and its event-loop delay since the last question on each `stats` line of stdin.
 */
async function serve(mode: Mode, storageDir: string, orgId: string, videoId: string): Promise<void> {
  const base = {
    ...process.env,
    MONGODB_DB: `reelkit_bench_delivery_${mode}`,
    STORAGE_DIR: storageDir,
    LOG_LEVEL: 'warn',
  };
  const config = loadServerConfig(
    mode === 'route'
      ? { ...base, DELIVERY_CACHE_MB: '0' }
      : mode === 'accel'
        ? { ...base, DELIVERY_OFFLOAD: 'x-accel', DELIVERY_ACCEL_PREFIX: ACCEL_PREFIX }
        : base,
  );
  const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, `bench-delivery-${mode}`);
  const logger = createLogger({ level: 'warn', name: 'bench' });
  const app = await createApp({ config, logger, db, redis });
  const { token } = app.playbackTokens.sign({ videoId, orgId, ttlSeconds: 3600 });
  const running = await listen(app.app, 0, '127.0.0.1');
  // Sampled every 10 ms (Node's default): a 1 ms timer would itself cost the process ~2 % of a core.
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  createInterface({ input: process.stdin }).on('line', () => {
    const stats: ChildStats = {
      eldP50: eld.percentile(50) / 1e6,
      eldP99: eld.percentile(99) / 1e6,
      eldMax: eld.max / 1e6,
    };
    eld.reset();
    console.log(JSON.stringify(stats));
  });
  const ready: Ready = { url: running.url, pid: process.pid, token };
  console.log(JSON.stringify(ready));
  process.on('SIGTERM', () => {
    void running
      .close(500)
      .then(() => db.dropDatabase())
      .then(() => db.close())
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  });
}

/** A running server child and a way to ask it for its stats. */
interface ServerChild extends Ready {
  stats(): Promise<ChildStats>;
  child: ChildProcess;
}

async function startServer(mode: Mode, args: string[], env: NodeJS.ProcessEnv): Promise<ServerChild> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'bench/delivery.ts', 'serve', mode, ...args],
    { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited ${code}`)));
    });
  const ready = JSON.parse(await nextLine()) as Ready;
  return {
    ...ready,
    child,
    stats: async () => {
      child.stdin!.write('stats\n');
      return JSON.parse(await nextLine()) as ChildStats;
    },
  };
}

const load1 = () => loadavg()[0]!.toFixed(2);
const ms = (p99: string) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(p99);
  return m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as const)[m[2] as 'us' | 'ms' | 's'] : NaN;
};

type Name = 'node' | 'route' | 'nginx' | 'accel';
type Run = WrkResult & { load: string; cpuUsPerRequest: number; userUsPerRequest: number; eldP99?: number };

/** The user part of `cpuMs` (`/proc/<pid>/stat` field 14): what the server's own code costs, the rest being the kernel's. */
function userCpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[11]) * 10;
}

const LABEL: Record<Name, string> = {
  node: 'Reelkit (front, segments held in memory)',
  route: 'Reelkit, route read path (DELIVERY_CACHE_MB=0)',
  nginx: 'nginx alone',
  accel: 'nginx + Reelkit (x-accel)',
};
const ORDER: Name[] = ['nginx', 'node', 'route', 'accel'];

const mean = (rs: Run[]) => rs.reduce((a, r) => a + r.requestsPerSec, 0) / rs.length;
const meanP99 = (rs: Run[]) => rs.reduce((a, r) => a + ms(r.p99), 0) / rs.length;
const meanCpu = (rs: Run[]) => rs.reduce((a, r) => a + r.cpuUsPerRequest, 0) / rs.length;

/** One table row per server: every round's figures, so a round that falls away shows. */
function tableRows(c: number, runs: Record<Name, Run[]>): string[] {
  return ORDER.map((name) => {
    const r = runs[name];
    const eld = r.every((x) => x.eldP99 !== undefined) ? r.map((x) => x.eldP99!.toFixed(1)).join(', ') : '–';
    return `| ${c} | ${LABEL[name]} | ${r.map((x) => x.requestsPerSec.toFixed(0)).join(', ')} | ${mean(r).toFixed(0)} | ${r.map((x) => x.p99).join(', ')} | ${r.map((x) => `${x.cpuUsPerRequest.toFixed(0)} (${x.userUsPerRequest.toFixed(0)})`).join(', ')} | ${eld} | ${r.map((x) => x.load).join(', ')} | ${r.reduce((a, x) => a + x.non2xx, 0)} |`;
  });
}

/** Per-round ratios to nginx alone (the rounds alternate, so round i of each is a fair pair). */
function ratioLine(c: number, runs: Record<Name, Run[]>, label = `c=${c}`): string {
  const per = (name: Name) =>
    runs[name].map((x, i) => (x.requestsPerSec / runs.nginx[i]!.requestsPerSec).toFixed(2)).join(', ');
  return `- ${label}: Reelkit / nginx **${(mean(runs.node) / mean(runs.nginx)).toFixed(2)}×** requests/s (rounds ${per('node')}; target ≥ 0.8×), p99 **${(meanP99(runs.node) / meanP99(runs.nginx)).toFixed(2)}×** nginx's (target ≤ 2×); the route's read path ${(mean(runs.route) / mean(runs.nginx)).toFixed(2)}×, p99 ${(meanP99(runs.route) / meanP99(runs.nginx)).toFixed(2)}×; nginx + Reelkit / nginx **${(mean(runs.accel) / mean(runs.nginx)).toFixed(2)}×** (rounds ${per('accel')}; target ≥ 0.9×), p99 ${(meanP99(runs.accel) / meanP99(runs.nginx)).toFixed(2)}×; CPU per request Reelkit / nginx ${(meanCpu(runs.node) / meanCpu(runs.nginx)).toFixed(2)}×, nginx + Reelkit / nginx ${(meanCpu(runs.accel) / meanCpu(runs.nginx)).toFixed(2)}×.`;
}

async function main(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error)
    throw new Error('bench:delivery needs wrk: apt-get install wrk (npm test does not install it)');
  if (!nginxBinary()) throw new Error('bench:delivery needs nginx: apt-get install nginx-light');
  const env = { ...process.env, ...testServices() };
  const storageDir = await mkdtemp(join(tmpdir(), 'reelkit-bench-delivery-'));
  const orgId = new Types.ObjectId().toHexString();
  const videoId = new Types.ObjectId().toHexString();
  for (const rung of RUNGS) {
    const dir = join(storageDir, orgId, videoId, 'hls', rung.name);
    await mkdir(dir, { recursive: true });
    for (let i = 1; i <= SEGMENTS_PER_RUNG; i++)
      await writeFile(join(dir, `seg_${String(i).padStart(5, '0')}.m4s`), randomBytes(rung.kib * 1024));
  }
  const args = [storageDir, orgId, videoId];
  const children: ServerChild[] = [];
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-wrk-'));
  const nginxes: RunningNginx[] = [];
  try {
    // The first child writes the dev secrets the others then read.
    const own = await startServer('own', args, env);
    children.push(own);
    const [route, accel] = await Promise.all([
      startServer('route', args, env),
      startServer('accel', args, env),
    ]);
    children.push(route, accel);
    // The same open_file_cache as the shipped template (deploy/nginx/reelkit.conf.template): fair.
    const alone = await startNginx(
      `root ${storageDir}; open_file_cache max=10000 inactive=20s; open_file_cache_valid 1s;`,
    );
    nginxes.push(alone);
    const front = await startNginx((port, dir) => ({
      http: reelkitNginxConfig({
        listen: `127.0.0.1:${port}`,
        upstream: new URL(accel.url).host,
        storageDir,
        accelPrefix: ACCEL_PREFIX,
        decisionCacheDir: join(dir, 'decisions'),
      }),
    }));
    nginxes.push(front);
    const [alonePids, frontPids] = await Promise.all([nginxPids(alone.dir), nginxPids(front.dir)]);
    const files = RUNGS.flatMap((r) =>
      Array.from(
        { length: SEGMENTS_PER_RUNG },
        (_, i) => `hls/${r.name}/seg_${String(i + 1).padStart(5, '0')}.m4s`,
      ),
    );
    const signed = files.map((f) => `/v1/play/${own.token}/${videoId}/${f}`);
    const plain = files.map((f) => `/${orgId}/${videoId}/${f}`);
    const script = async (name: string, paths: string[]) => {
      const path = join(work, `${name}.lua`);
      await writeFile(
        path,
        `local paths = { ${paths.map((p) => JSON.stringify(p)).join(', ')} }
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`,
      );
      return path;
    };
    const signedScript = await script('signed', signed);
    // `pids`: whose CPU time a request costs (for x-accel, nginx's worker and Reelkit together).
    const servers: Record<Name, { url: string; script: string; pids: number[]; child?: ServerChild }> = {
      node: { url: own.url, script: signedScript, pids: [own.pid], child: own },
      route: { url: route.url, script: signedScript, pids: [route.pid], child: route },
      nginx: { url: alone.url, script: await script('plain', plain), pids: alonePids.workers },
      accel: { url: front.url, script: signedScript, pids: [...frontPids.workers, accel.pid], child: accel },
    };
    for (const [name, s] of Object.entries(servers)) {
      const probe = await fetch(`${s.url}${name === 'nginx' ? plain[0] : signed[0]}`);
      if (probe.status !== 200) throw new Error(`${name} answered ${probe.status}`);
      await probe.arrayBuffer();
      runWrk(s.url, { seconds: 2, connections: 8, script: s.script }); // warm-up
    }
    const measure = async (name: Name, connections: number, cpu?: number): Promise<Run> => {
      const s = servers[name];
      await s.child?.stats(); // starts its event-loop histogram afresh
      const cpuTime = () => s.pids.map(cpuMs).reduce((a, b) => a + b, 0);
      const userTime = () => s.pids.map(userCpuMs).reduce((a, b) => a + b, 0);
      const before = cpuTime();
      const userBefore = userTime();
      const r = runWrk(s.url, { seconds: SECONDS, connections, script: s.script, cpu });
      const used = cpuTime() - before;
      const usedUser = userTime() - userBefore;
      const eld = await s.child?.stats();
      const run: Run = {
        ...r,
        load: load1(),
        cpuUsPerRequest: (used * 1000) / Math.max(1, r.requests),
        userUsPerRequest: (usedUser * 1000) / Math.max(1, r.requests),
        ...(eld ? { eldP99: eld.eldP99 } : {}),
      };
      console.log(
        `c=${connections}${cpu === undefined ? '' : ' pinned'} ${name}: ${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.p99}, ${run.cpuUsPerRequest.toFixed(0)} µs CPU/request (user ${run.userUsPerRequest.toFixed(0)})${eld ? `, event-loop delay p99 ${eld.eldP99.toFixed(1)} ms (max ${eld.eldMax.toFixed(1)})` : ''}, load ${run.load}`,
      );
      return run;
    };
    const rounds = async (connections: number, cpu?: number) => {
      const runs: Record<Name, Run[]> = { node: [], route: [], nginx: [], accel: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = ORDER.map((_, i, all) => all[(i + round) % all.length]!);
        for (const name of order) runs[name].push(await measure(name, connections, cpu));
        const nginxRps = runs.nginx[round]!.requestsPerSec;
        console.log(
          `  round ${round + 1}: Reelkit / nginx ${(runs.node[round]!.requestsPerSec / nginxRps).toFixed(2)}×, x-accel / nginx ${(runs.accel[round]!.requestsPerSec / nginxRps).toFixed(2)}×`,
        );
      }
      return runs;
    };
    const shared: Record<number, Record<Name, Run[]>> = {};
    for (const c of CONNECTIONS) shared[c] = await rounds(c);
    // The extra rows: wrk alone on CPU 0, every server process on CPU 1, so the client never takes
    // the servers' core (on two shared cores, wrk reading ~3 GB/s is itself most of a core).
    let pinned: Record<Name, Run[]> | undefined;
    const serverPids = [
      ...children.map((c) => c.pid),
      alonePids.master,
      ...alonePids.workers,
      frontPids.master,
      ...frontPids.workers,
    ];
    if (canPin()) {
      for (const pid of serverPids) pin(pid, '1');
      try {
        pinned = await rounds(64, 0);
      } finally {
        for (const pid of serverPids) pin(pid, '0-1');
      }
    }
    const ratios = CONNECTIONS.map((c) => ratioLine(c, shared[c]!));
    if (pinned) ratios.push(ratioLine(64, pinned, 'c=64, wrk pinned to CPU 0 and the servers to CPU 1'));
    console.log(ratios.join('\n'));
    const header = `| conns | server | requests/s per round | mean | p99 per round | server CPU µs/request (user part) | event-loop delay p99 (ms) | load average (1 min) after each round | non-2xx |
| ---: | --- | --- | ---: | --- | --- | --- | --- | ---: |`;
    await writeBenchmarkSection(
      '## Signed segments vs nginx (`npm run bench:delivery`)',
      `Run ${new Date().toISOString().slice(0, 10)}; ${machineLine()}.

12 signed segment URLs (\`/v1/play/<token>/<videoId>/hls/<rung>/seg_0000n.m4s\`, three rungs of
${RUNGS.map((r) => `${r.kib} KiB`).join(' / ')} segments, four each, in the page cache), requested in turn by
\`wrk -t1 -d${SECONDS}s\` at -c8 and -c64, ${ROUNDS} rounds, the order of the four servers rotating each round.
Each Reelkit is the whole app in a process of its own (as in production):

- **Reelkit**: \`DELIVERY_CACHE_MB\` at its default (64), where a signed segment is answered in
  front of Koa on the raw \`request\` event (\`playback/delivery-front.ts\`): path allow-list, cached token
  check, video binding and origin as the route does them, then the segment's bytes, held in memory
  (\`playback/hot-file-cache.ts\`, re-checked with one \`stat\` a second, in the background from 0.8 s
  on), and for a 200 a response head whose headers were validated and joined once per file
  (\`playback/prepared-head.ts\`: only the request id, the allowed origin, \`Date\` and \`Connection\` are
  added per request), written with the bytes in one \`end\`; the request-duration histogram is updated as
  before;
- **Reelkit, route read path**: \`DELIVERY_CACHE_MB=0\`, so the front holds nothing and
  every segment goes to the route in Koa (the fast path ahead of the API's chain) and its read path for files
  (a descriptor shared for 1 s whose \`fstat\` gives size and date, pooled 1 MiB buffers written to the socket);
- **nginx alone**: \`nginx-light\`, \`worker_processes 1\`, \`sendfile on\`, the template's \`open_file_cache\`, serving the same
  files by path (no token);
- **nginx + Reelkit**: the shipped \`deploy/nginx/reelkit.conf.template\` in front of Reelkit with
  \`DELIVERY_OFFLOAD=x-accel\`, same \`worker_processes 1\`: for segments nginx asks Reelkit for a decision on the
  token, video and Origin (\`auth_request\`), keeps a "yes" for up to 5 s (never past the token's expiry) and
  sends the file itself; in this run one token fetches all 12 URLs, as one viewer does, so about one decision
  in 5 s reaches Reelkit (see [guide-scaling.md](guide-scaling.md#nginx-in-front-sending-the-bytes-delivery_offloadx-accel)).

"Server CPU µs/request" is the CPU time (user + system, every thread, from \`/proc\`) the server's processes used
during the round divided by the requests served — nginx's worker for nginx alone, nginx's worker plus Reelkit
for the x-accel chain; it depends far less on what else runs than requests/s does. In brackets, its user part
(the server's own code; the rest is the kernel's: TCP, loopback, and for Node the copy of every body into the
socket, which nginx's \`sendfile\` does not make). "Event-loop delay" is
\`monitorEventLoopDelay\` in the Reelkit process during the round.

${header}
${CONNECTIONS.flatMap((c) => tableRows(c, shared[c]!)).join('\n')}

${
  pinned
    ? `The same at -c64 with wrk pinned to CPU 0 and every server process to CPU 1 (\`taskset\`), so the client
never takes the servers' core; an extra row beside the shared-core one above, which is the target's:

${header}
${tableRows(64, pinned).join('\n')}

`
    : ''
}${ratios.join('\n')}

Needs \`wrk\` and nginx: \`npm test\` installs \`nginx-light\` but not \`wrk\` (benchmarks run on demand); without
either the benchmark stops at once and says which to \`apt-get install\`.

${WHERE_THE_TIME_GOES}

The machine has 2 cores shared with other work (see the load averages): wrk, nginx and Node compete for them,
so runs of the same server differ by more than ±15 % from one round to the next.`,
    );
  } finally {
    for (const n of nginxes) await n.stop();
    for (const c of children) c.child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.child.exitCode === null ? once(c.child, 'exit') : undefined)));
    await rm(work, { recursive: true, force: true });
    await rm(storageDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve')
  await serve(process.argv[3] as Mode, process.argv[4]!, process.argv[5]!, process.argv[6]!);
else await main();
