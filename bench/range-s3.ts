// `npm run bench:range-s3`: the progressive file route on the S3 driver (the test SeaweedFS) for
// 1 MiB ranges, side by side with a direct ranged GET of the same object from SeaweedFS's S3
// endpoint (a presigned URL, so wrk needs no signing) — served by Node alone, and by the documented
// production mode (nginx in front with DELIVERY_OFFLOAD=x-accel and deploy/nginx's S3 template: Reelkit
// checks and presigns, nginx relays the store's answer) — and the server's RSS during a large multipart
// upload and a large tus upload into S3. Writes its section of docs/benchmarks.md. Needs wrk and nginx.
//
// The server under test is bench/range.ts's `serve` child (only the video routes, a fixed bench
// principal) with STORAGE=s3. Knobs: BENCH_UPLOAD_MIB (default 2048), BENCH_SECONDS per wrk run
// (10), BENCH_ROUNDS of route, direct, bare proxy and x-accel, their order rotating (8), BENCH_PINNED_ROUNDS
// of route, direct and x-accel with SeaweedFS on a core of its own (4; 0 skips them), BENCH_NODE_OPTIONS for
// the server child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). REELKIT_S3_PORT picks another local
// SeaweedFS (as for the tests); the CPU reported for SeaweedFS is that of the one on the endpoint's port.
// The verdict wants the mean and the median round at the target; each round's figures and load are in
// the report, and so is a CPU-bound estimate of the ratio from CPU per MiB alone, which load blurs least.
// Notes written by hand below the HAND_NOTES marker in the section survive a re-run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Storage } from '@reelkit/storage';
import { makeSource, uploadMultipart, uploadTus } from './lib/multipart-upload.js';
import {
  canPin,
  cpuList,
  cpuMs,
  nginxPids,
  pin,
  seaweedPid,
  waitedChildrenCpuMs,
} from './lib/process-cpu.js';
import { reelkitS3NginxConfig, startNginx, type RunningNginx } from '../test/support/nginx.js';
import {
  benchServerEnv,
  machineLine,
  runWrk,
  removeBenchState,
  testServices,
  writeBenchmarkSection,
  type WrkResult,
} from './lib/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 2048);
const WRK_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
/** Rounds of route, direct and x-accel with SeaweedFS on a core of its own (0 skips them). */
const PINNED_ROUNDS = Number(process.env.BENCH_PINNED_ROUNDS ?? 4);
const WRK_CONNECTIONS = 8;
/** Reelkit's MiB/s over the direct GET's that issue 18 asks for. */
const TARGET = 0.8;
/**
 * Where the notes written by hand start in this benchmark's section of docs/benchmarks.md: this
 * line and everything after it (up to the next section) is kept when the section is rewritten.
 */
const HAND_NOTES = '<!-- bench:range-s3 keeps what follows: readings written by hand -->';
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const ORG = '650000000000000000000001';
/** nginx's `internal` location for x-accel answers, as in the shipped template's examples. */
const ACCEL_PREFIX = '/_reelkit_storage';

async function main(): Promise<void> {
  const services = testServices('test');
  const { work, env } = await benchServerEnv('range-s3');
  const prefix = `bench-range-${Date.now().toString(36)}/`;
  const s3 = {
    STORAGE: 's3',
    S3_ENDPOINT: services.S3_ENDPOINT!,
    S3_REGION: services.S3_REGION!,
    S3_BUCKET: services.S3_BUCKET!,
    S3_PREFIX: prefix,
    S3_ACCESS_KEY_ID: services.S3_ACCESS_KEY_ID!,
    S3_SECRET_ACCESS_KEY: services.S3_SECRET_ACCESS_KEY!,
    S3_FORCE_PATH_STYLE: 'true',
  };
  const bucket = new S3Storage({
    bucket: s3.S3_BUCKET,
    endpoint: s3.S3_ENDPOINT,
    region: s3.S3_REGION,
    prefix,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY_ID, secretAccessKey: s3.S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  });
  const children: ChildProcess[] = [];
  let front: RunningNginx | undefined;
  const startChild = async (args: string[], childEnv: Record<string, string | undefined>) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
        '--conditions=source',
        '--import',
        'tsx',
        ...args,
      ],
      { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
        // Anything else the child prints (`--trace-gc` in BENCH_NODE_OPTIONS) is shown.
        if (process.env.BENCH_CHILD_OUTPUT) process.stdout.write(d);
      });
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
    });
    return { child, port };
  };
  try {
    const source = join(work, 'source.mp4');
    console.log(`making a ${UPLOAD_MIB} MiB source…`);
    await makeSource(source, UPLOAD_MIB);
    const size = UPLOAD_MIB * MiB;
    const { child, port } = await startChild(['bench/range.ts', 'serve'], { ...env, ...s3 });
    console.log(`uploading ${UPLOAD_MIB} MiB to S3 storage…`);
    const up = await uploadMultipart(port, source, size, child.pid!);
    const uploadMiBs = UPLOAD_MIB / up.seconds;
    console.log(
      `upload: ${uploadMiBs.toFixed(0)} MiB/s, RSS ${up.baseline.toFixed(0)} → peak ${up.peak.toFixed(0)} MiB`,
    );
    console.log(`tus-uploading ${UPLOAD_MIB} MiB to S3 storage…`);
    const tus = await uploadTus(port, source, size, child.pid!);
    const tusMiBs = UPLOAD_MIB / tus.seconds;
    console.log(
      `tus: ${tusMiBs.toFixed(0)} MiB/s, RSS ${tus.baseline.toFixed(0)} → peak ${tus.peak.toFixed(0)} MiB`,
    );
    const key = `${ORG}/${up.id}/source`;
    if ((await bucket.stat(key))?.size !== size) throw new Error('the upload is not in the bucket');

    const ranges = Math.floor(size / MiB);
    const script = join(work, 'range.lua');
    await writeFile(
      script,
      `math.randomseed(42)
request = function()
  local start = math.random(0, ${ranges - 1}) * ${MiB}
  wrk.headers["Range"] = "bytes=" .. start .. "-" .. (start + ${MiB - 1})
  return wrk.format(nil)
end
`,
    );
    const routeUrl = `http://127.0.0.1:${port}/v1/videos/${up.id}/file`;
    const presigned = await bucket.presignGet(key, 3600);
    const directUrl = `${new URL(s3.S3_ENDPOINT).origin}${presigned.path}?${presigned.query}`;
    const proxy = await startChild([fileURLToPath(import.meta.url), 'proxy', directUrl], env);
    const proxyUrl = `http://127.0.0.1:${proxy.port}/file`;
    // The production mode: nginx in front of a second server with DELIVERY_OFFLOAD=x-accel.
    const accel = await startChild(['bench/range.ts', 'serve'], {
      ...env,
      ...s3,
      DELIVERY_OFFLOAD: 'x-accel',
      DELIVERY_ACCEL_PREFIX: ACCEL_PREFIX,
    });
    front = await startNginx((listenPort) => ({
      http: reelkitS3NginxConfig({
        listen: `127.0.0.1:${listenPort}`,
        upstream: `127.0.0.1:${accel.port}`,
        accelPrefix: ACCEL_PREFIX,
        s3Endpoint: s3.S3_ENDPOINT,
      }),
    }));
    const frontPids = await nginxPids(front.dir);
    const targets = {
      route: routeUrl,
      direct: directUrl,
      proxy: proxyUrl,
      accel: `${front.url}/v1/videos/${up.id}/file`,
    };
    type Target = keyof typeof targets;
    const names = Object.keys(targets) as Target[];
    for (const url of Object.values(targets)) spawnSync('wrk', ['-t1', '-c2', '-d2s', '-s', script, url]);
    const loadBefore = load();
    // The servers' CPU time per MiB served: what a busy machine cannot blur (it stretches time, not work).
    const pids: Partial<Record<Target, number[]>> = {
      route: [child.pid!],
      proxy: [proxy.child.pid!],
      accel: [accel.child.pid!, ...frontPids.workers],
    };
    // SeaweedFS shares the two cores with the server: its CPU per MiB shows what the relay costs.
    const weedPid = seaweedPid(Number(new URL(s3.S3_ENDPOINT).port || 80));
    if (!weedPid) console.log('(no SeaweedFS process found on this machine: its CPU is not reported)');
    const runRounds = (count: number, paths: readonly Target[], label: string, cpu?: number) => {
      const done: Round<Target>[] = [];
      for (let round = 0; round < count; round++) {
        // Rotating which goes first, so a neighbour's burst does not always land on one side.
        const order = paths.map((_, i) => paths[(i + round) % paths.length]!);
        console.log(`wrk round ${round + 1}/${count}${label}: ${order.join(', ')}…`);
        const results = {} as Record<Target, WrkResult>;
        const cpuPerMiB = {} as Record<Target, number>;
        const weed = {} as Record<Target, number>;
        const wrk = {} as Record<Target, number>;
        const loads = {} as Record<Target, number>;
        for (const name of order) {
          const serving = pids[name];
          const cpuOfServing = () => (serving ?? []).reduce((sum, pid) => sum + cpuMs(pid), 0);
          const before = cpuOfServing();
          const weedBefore = weedPid ? cpuMs(weedPid) : 0;
          const wrkBefore = waitedChildrenCpuMs();
          results[name] = runWrk(targets[name], {
            seconds: WRK_SECONDS,
            connections: WRK_CONNECTIONS,
            script,
            ...(cpu === undefined ? {} : { cpu }),
          });
          const mib = results[name].mibPerSec * WRK_SECONDS;
          cpuPerMiB[name] = serving ? (cpuOfServing() - before) / mib : NaN;
          weed[name] = weedPid ? (cpuMs(weedPid) - weedBefore) / mib : NaN;
          wrk[name] = (waitedChildrenCpuMs() - wrkBefore) / mib;
          loads[name] = loadavg()[0]!;
        }
        const r: Round<Target> = { results, cpu: cpuPerMiB, weed, wrk, loads, load: load() };
        done.push(r);
        console.log(
          `  ${paths.map((n) => `${n} ${results[n].mibPerSec.toFixed(0)} MiB/s (p50 ${results[n].p50}, ${ms(cpuPerMiB[n])} CPU ms/MiB, SeaweedFS ${ms(weed[n])}, wrk ${ms(wrk[n])}, load ${loads[n].toFixed(2)})`).join(', ')}; route/direct ${ratioOf(r).toFixed(2)}×${paths.includes('accel') ? `, x-accel/direct ${ratioOf(r, 'accel').toFixed(2)}×` : ''}${paths.includes('proxy') ? `, CPU-bound estimate ${estimateOf(r).toFixed(2)}×` : ''}`,
        );
      }
      return done;
    };
    const rounds = runRounds(ROUNDS, names, '');
    // The store on a core of its own, as it is in production (another machine): SeaweedFS on CPU 1,
    // wrk and the serving processes on CPU 0, for the direct GET and the routes alike. On the shared
    // cores the relay's CPU is taken from the store's, so that ratio measures the store, the relay
    // and wrk sharing two cores as much as the relay; here each side gets what the store can serve.
    const pinnedPaths = ['route', 'direct', 'accel'] as const satisfies readonly Target[];
    let pinned: Round<Target>[] = [];
    if (PINNED_ROUNDS > 0 && weedPid && canPin()) {
      const serving = [child.pid!, accel.child.pid!, ...frontPids.workers];
      // Each process gets its own CPUs back afterwards (SeaweedFS is the tests' too).
      const before = [weedPid, ...serving].map((pid) => ({ pid, cpus: cpuList(pid) }));
      try {
        pin(weedPid, '1');
        for (const pid of serving) pin(pid, '0');
        pinned = runRounds(PINNED_ROUNDS, pinnedPaths, ' (SeaweedFS on CPU 1, the rest on CPU 0)', 0);
      } finally {
        for (const { pid, cpus } of before) pin(pid, cpus);
      }
    }
    const mean = (name: Target, of = rounds): WrkResult => ({
      ...of.at(-1)!.results[name],
      requestsPerSec: avg(of.map((r) => r.results[name].requestsPerSec)),
      mibPerSec: avg(of.map((r) => r.results[name].mibPerSec)),
    });
    const route = mean('route');
    const direct = mean('direct');
    const bare = mean('proxy');
    const offloaded = mean('accel');
    const accelRatio = offloaded.mibPerSec / direct.mibPerSec;
    const accelRatios = rounds.map((r) => ratioOf(r, 'accel'));
    const accelMedianRatio = median(accelRatios);
    const accelMet = accelRatio >= TARGET && accelMedianRatio >= TARGET;
    if (rounds.some((r) => names.some((n) => r.results[n].non2xx > 0)))
      throw new Error('non-2xx answers during the run');
    const ratio = route.mibPerSec / direct.mibPerSec;
    const ratios = rounds.map((r) => ratioOf(r));
    const medianRatio = median(ratios);
    const estimates = rounds.map(estimateOf).filter((e) => !Number.isNaN(e));
    const medianEstimate = estimates.length ? median(estimates) : NaN;
    const atTarget = ratios.filter((x) => x >= TARGET).length;
    // A verdict needs the mean and the median round both at the target: one fast or slow round
    // of either side cannot decide it.
    const met = ratio >= TARGET && medianRatio >= TARGET;
    const pinnedOf = (path: 'route' | 'accel') => {
      if (pinned.length === 0) return undefined;
      const each = pinned.map((r) => ratioOf(r, path));
      const of = mean(path, pinned).mibPerSec / mean('direct', pinned).mibPerSec;
      const mid = median(each);
      return { of, mid, each, met: of >= TARGET && mid >= TARGET };
    };
    const pinnedRoute = pinnedOf('route');
    const pinnedAccel = pinnedOf('accel');
    console.log({
      route,
      direct,
      bare,
      offloaded,
      ratio,
      medianRatio,
      medianEstimate,
      accelRatio,
      accelMedianRatio,
      pinnedRoute,
      pinnedAccel,
    });

    const row = (label: string, target: Target, of = rounds) => {
      const w = mean(target, of);
      const mid = (pick: (r: Round<Target>) => number) => ms(median(of.map(pick)));
      return `| ${label} | ${w.requestsPerSec.toFixed(0)} | ${w.mibPerSec.toFixed(0)} | ${w.p50} | ${w.p99} | ${mid((r) => r.cpu[target])} | ${mid((r) => r.weed[target])} | ${mid((r) => r.wrk[target])} |`;
    };
    const pinnedLoads = pinned.flatMap((r) => pinnedPaths.map((n) => r.loads[n]));
    const loads = rounds.flatMap((r) => names.map((n) => r.loads[n]));
    const heading = '## Ranges and uploads on S3 storage (`npm run bench:range-s3`)';
    await writeBenchmarkSection(
      heading,
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${machineLine()} (the machine was shared with other work).
SeaweedFS (the test store, \`weed server\` on the same machine) behind \`STORAGE=s3\`. Load average (1 min) before
the range rounds ${loadBefore}; during them ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}.

**1 MiB ranges.** \`wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s\`, ${ROUNDS} rounds of the four, which goes first
rotating (mean MiB/s shown, CPU per MiB the median round), each request a random 1 MiB-aligned range of the same ${UPLOAD_MIB} MiB object:
\`GET /v1/videos/:id/file\` on the S3 driver (auth middleware, the video document from the 2 s file cache,
\`S3Storage.openReader\`: size and date from a \`HeadObject\` cached for 1 s, then one ranged GET carrying a query
presigned once per object by the driver's own SigV4 signer (reused for 10 minutes), sent on a pooled keep-alive socket without the AWS SDK, its body read into pooled
512 KiB buffers and written on to the client's socket itself once the response's head is out) against a ranged GET of the same object straight from
SeaweedFS's S3 endpoint (presigned), a bare Node proxy (node:http forwarding each Range to a presigned URL,
piping the answer) as the ceiling of an ordinary Node pipe, and the same route in the documented production mode:
nginx in front (\`deploy/nginx/reelkit-s3.conf.template\`, one worker) of a server with \`DELIVERY_OFFLOAD=x-accel\`,
which checks the request as always and answers \`X-Accel-Redirect\` to a presigned GET that nginx relays from the store.
CPU ms/MiB is the serving processes' user + system CPU time per MiB served (\`/proc/<pid>/stat\`; for x-accel, nginx's
worker and the server together): a busy machine stretches the time of a run, not its work.

| path | requests/s | MiB/s | p50 | p99 | server CPU ms/MiB | SeaweedFS CPU ms/MiB | wrk CPU ms/MiB |
| ---- | ---------: | ----: | --: | --: | ---------: | ---------: | ---------: |
${row('Reelkit /file on S3', 'route')}
${row('SeaweedFS S3, direct', 'direct')}
${row('bare Node proxy', 'proxy')}
${row('nginx + Reelkit (x-accel) on S3', 'accel')}

Reelkit / direct: **${ratio.toFixed(2)}×** of the means, **${medianRatio.toFixed(2)}×** the median round, ${atTarget} of ${ROUNDS} rounds at ${TARGET}× or more (target ≥ ${TARGET}× in the mean and the median round: ${met ? 'met' : 'not met'}). Bare Node proxy / direct: ${(bare.mibPerSec / direct.mibPerSec).toFixed(2)}×.
**With nginx in front (x-accel):** x-accel / direct **${accelRatio.toFixed(2)}×** of the means, **${accelMedianRatio.toFixed(2)}×** the median round, ${accelRatios.filter((x) => x >= TARGET).length} of ${ROUNDS} rounds at ${TARGET}× or more (${accelMet ? 'met' : 'not met'} by the production mode).
CPU-bound estimate (what the two cores allow when the work of each side is all that runs on them: the CPU per MiB of SeaweedFS and wrk for the direct GET over that of the server, SeaweedFS and wrk for the route, median round): **${ms(medianEstimate)}×** (a model, not a measurement: it assumes both runs saturate the two cores with nothing else running; it follows the work per MiB, which load does not blur).
Per round (route / direct / bare proxy / x-accel MiB/s, route / direct, x-accel / direct, load average after the round): ${rounds.map((r) => `${r.results.route.mibPerSec.toFixed(0)} / ${r.results.direct.mibPerSec.toFixed(0)} / ${r.results.proxy.mibPerSec.toFixed(0)} / ${r.results.accel.mibPerSec.toFixed(0)}, ${ratioOf(r).toFixed(2)}×, ${ratioOf(r, 'accel').toFixed(2)}× (${r.load})`).join('; ')}.

${
  pinned.length === 0
    ? '**The store on a core of its own:** not run (`BENCH_PINNED_ROUNDS=0`, no `taskset`, or no local SeaweedFS process).'
    : `**The store on a core of its own** (production's shape, where the store is another machine): ${PINNED_ROUNDS} more rounds of
the route, the direct GET and x-accel with SeaweedFS pinned to CPU 1 and wrk, the server and nginx's worker to CPU 0
(\`taskset\`), the same for every path, so the relay no longer takes its CPU from the store's. Load average (1 min) during them
${Math.min(...pinnedLoads).toFixed(2)}–${Math.max(...pinnedLoads).toFixed(2)}.

| path (SeaweedFS on CPU 1, the rest on CPU 0) | requests/s | MiB/s | p50 | p99 | server CPU ms/MiB | SeaweedFS CPU ms/MiB | wrk CPU ms/MiB |
| ---- | ---------: | ----: | --: | --: | ---------: | ---------: | ---------: |
${row('Reelkit /file on S3', 'route', pinned)}
${row('SeaweedFS S3, direct', 'direct', pinned)}
${row('nginx + Reelkit (x-accel) on S3', 'accel', pinned)}

Reelkit / direct: **${pinnedRoute!.of.toFixed(2)}×** of the means, **${pinnedRoute!.mid.toFixed(2)}×** the median round (rounds ${pinnedRoute!.each.map((x) => x.toFixed(2)).join(', ')}; target ≥ ${TARGET}×: ${pinnedRoute!.met ? 'met' : 'not met'}).
x-accel / direct: **${pinnedAccel!.of.toFixed(2)}×** of the means, **${pinnedAccel!.mid.toFixed(2)}×** the median round (rounds ${pinnedAccel!.each.map((x) => x.toFixed(2)).join(', ')}; ${pinnedAccel!.met ? 'met' : 'not met'}).`
}

**Upload.** One ${UPLOAD_MIB} MiB multipart \`POST /v1/videos\` into S3 storage (sniffed, hashed, written as an
S3 multipart upload of 8 MiB parts, 2 in flight): ${up.seconds.toFixed(1)} s, **${uploadMiBs.toFixed(0)} MiB/s**.
Server RSS ${up.baseline.toFixed(0)} MiB before, ${up.peak.toFixed(0)} MiB at peak: **+${(up.peak - up.baseline).toFixed(0)} MiB**
(target < 100 MB: ${up.peak - up.baseline < 95 ? 'met' : 'not met'}).

**tus upload.** Then, in the same server, one ${UPLOAD_MIB} MiB tus upload as \`tus-js-client\` sends it with its
default \`chunkSize: Infinity\` (\`POST /v1/uploads\`, one PATCH of every byte kept as an object in the bucket,
then concatenated into \`source\`): ${tus.seconds.toFixed(1)} s, **${tusMiBs.toFixed(0)} MiB/s**. Server RSS
${tus.baseline.toFixed(0)} MiB before, ${tus.peak.toFixed(0)} MiB at peak: **+${(tus.peak - tus.baseline).toFixed(0)} MiB**
(target < 100 MB: ${tus.peak - tus.baseline < 95 ? 'met' : 'not met'}).${UPLOAD_MIB < 2048 ? ` The issue asks for 2 GiB; this run used ${UPLOAD_MIB} MiB (\`BENCH_UPLOAD_MIB\`).` : ''}

${await handNotes(heading)}
`,
    );
    console.log('wrote docs/benchmarks.md');
  } finally {
    await front?.stop();
    for (const c of children.reverse()) {
      if (c.exitCode !== null) continue;
      c.kill('SIGTERM');
      await once(c, 'exit');
    }
    await bucket
      .deletePrefix(`${ORG}/`)
      .catch((err: unknown) => console.error('could not empty', prefix, err));
    bucket.destroy();
    await removeBenchState(env, work);
  }
}

/** One round: each target's wrk run, its CPU per MiB (server, SeaweedFS) and the 1 min load after it. */
interface Round<T extends string> {
  results: Record<T, WrkResult>;
  cpu: Record<T, number>;
  weed: Record<T, number>;
  wrk: Record<T, number>;
  loads: Record<T, number>;
  load: string;
}

const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(2));
type RangeTarget = 'route' | 'direct' | 'proxy' | 'accel';
/** A path's MiB/s over the direct GET's in one round (the Node route's by default). */
const ratioOf = (r: Round<RangeTarget>, path: Exclude<RangeTarget, 'direct'> = 'route') =>
  r.results[path].mibPerSec / r.results.direct.mibPerSec;
/**
 * The route's share of the direct GET's throughput when the two cores are the limit, from CPU per
 * MiB alone: the direct GET costs SeaweedFS W_d and wrk K_d per MiB, the route costs the server N,
 * SeaweedFS W_r and wrk K_r, so with the cores saturated the route gets (W_d + K_d) / (N + W_r + K_r)
 * of the direct rate. Load stretches time, not work, so this moves far less than MiB/s on a shared
 * machine; where neighbours take CPU too, measured MiB/s lies between it and 1.
 */
const estimateOf = (r: Round<RangeTarget>) =>
  (r.weed.direct + r.wrk.direct) / (r.cpu.route + r.weed.route + r.wrk.route);

/** This section's notes written by hand (from {@link HAND_NOTES} on), to put back after the generated part. */
async function handNotes(heading: string): Promise<string> {
  const doc = await readFile(join(root, 'docs/benchmarks.md'), 'utf8').catch(() => '');
  const start = doc.indexOf(`${heading}\n`);
  if (start === -1) return HAND_NOTES;
  const end = doc.indexOf('\n## ', start + heading.length);
  const section = doc.slice(start, end === -1 ? undefined : end);
  const notes = section.indexOf(HAND_NOTES);
  return notes === -1 ? HAND_NOTES : section.slice(notes).trim();
}

if (process.argv[2] === 'proxy') await serveProxy(process.argv[3] ?? '');
else await main();

/**
 * The ceiling of Node as an S3 proxy: node:http forwarding each request's Range to one presigned
 * URL on a keep-alive agent and piping the answer back — no framework, no database, no signing.
 */
async function serveProxy(target: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http
    .createServer((req, res) => {
      const upstream = http.get(target, { agent, headers: { range: req.headers.range ?? '' } }, (up) => {
        res.writeHead(up.statusCode ?? 502, {
          'content-type': 'video/mp4',
          'content-length': up.headers['content-length'],
          ...(up.headers['content-range'] ? { 'content-range': up.headers['content-range'] } : {}),
        });
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
    })
    .listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.once('SIGTERM', () => process.exit(0));
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
}
