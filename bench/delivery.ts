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
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { nginxBinary, reelkitNginxConfig, startNginx } from '../test/support/nginx.js';
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

interface Setup {
  storageDir: string;
  orgId: string;
  videoId: string;
  token: string;
  node: string;
  /** The same app with DELIVERY_CACHE_MB=0: every segment through the route's read path. */
  route: string;
  offloaded: string;
}

/** Child: the two apps (own read path, x-accel) over one storage folder; prints a JSON line. */
async function serve(): Promise<void> {
  const env = testServices();
  const storageDir = await mkdtemp(join(tmpdir(), 'reelkit-bench-delivery-'));
  const orgId = new Types.ObjectId().toHexString();
  const videoId = new Types.ObjectId().toHexString();
  for (const rung of RUNGS) {
    const dir = join(storageDir, orgId, videoId, 'hls', rung.name);
    await mkdir(dir, { recursive: true });
    for (let i = 1; i <= SEGMENTS_PER_RUNG; i++)
      await writeFile(join(dir, `seg_${String(i).padStart(5, '0')}.m4s`), randomBytes(rung.kib * 1024));
  }
  const base = { ...env, MONGODB_DB: 'reelkit_bench_delivery', STORAGE_DIR: storageDir, LOG_LEVEL: 'warn' };
  const own = loadServerConfig(base);
  const uncached = loadServerConfig({ ...base, DELIVERY_CACHE_MB: '0' });
  const accel = loadServerConfig({
    ...base,
    DELIVERY_OFFLOAD: 'x-accel',
    DELIVERY_ACCEL_PREFIX: ACCEL_PREFIX,
  });
  const db = await connectDatabase(own.MONGODB_URI, own.MONGODB_DB);
  const redis = createRedis(own.REDIS_URL, 'bench-delivery');
  const logger = createLogger({ level: 'warn', name: 'bench' });
  const [ownApp, routeApp, accelApp] = await Promise.all([
    createApp({ config: own, logger, db, redis }),
    createApp({ config: uncached, logger, db, redis }),
    createApp({ config: accel, logger, db, redis }),
  ]);
  const { token } = ownApp.playbackTokens.sign({ videoId, orgId, ttlSeconds: 3600 });
  const [a, r, b] = await Promise.all([
    listen(ownApp.app, 0, '127.0.0.1'),
    listen(routeApp.app, 0, '127.0.0.1'),
    listen(accelApp.app, 0, '127.0.0.1'),
  ]);
  const setup: Setup = { storageDir, orgId, videoId, token, node: a.url, route: r.url, offloaded: b.url };
  console.log(JSON.stringify(setup));
  process.on('SIGTERM', () => {
    void Promise.all([a.close(500), r.close(500), b.close(500)])
      .then(() => db.dropDatabase())
      .then(() => db.close())
      .then(() => rm(storageDir, { recursive: true, force: true }))
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  });
}

const load1 = () => loadavg()[0]!.toFixed(2);
const ms = (p99: string) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(p99);
  return m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as const)[m[2] as 'us' | 'ms' | 's'] : NaN;
};

async function main(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error)
    throw new Error('bench:delivery needs wrk: apt-get install wrk (npm test does not install it)');
  if (!nginxBinary()) throw new Error('bench:delivery needs nginx: apt-get install nginx-light');
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'bench/delivery.ts', 'serve'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const setup = await new Promise<Setup>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as Setup);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  const alone = await startNginx(`root ${setup.storageDir};`);
  const front = await startNginx((port, dir) => ({
    http: reelkitNginxConfig({
      listen: `127.0.0.1:${port}`,
      upstream: new URL(setup.offloaded).host,
      storageDir: setup.storageDir,
      accelPrefix: ACCEL_PREFIX,
      decisionCacheDir: join(dir, 'decisions'),
    }),
  }));
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-wrk-'));
  try {
    const files = RUNGS.flatMap((r) =>
      Array.from(
        { length: SEGMENTS_PER_RUNG },
        (_, i) => `hls/${r.name}/seg_${String(i + 1).padStart(5, '0')}.m4s`,
      ),
    );
    const signed = files.map((f) => `/v1/play/${setup.token}/${setup.videoId}/${f}`);
    const plain = files.map((f) => `/${setup.orgId}/${setup.videoId}/${f}`);
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
    const servers = {
      node: { url: setup.node, script: await script('signed', signed) },
      route: { url: setup.route, script: await script('signed-route', signed) },
      nginx: { url: alone.url, script: await script('plain', plain) },
      accel: { url: front.url, script: await script('signed-front', signed) },
    } as const;
    for (const [name, s] of Object.entries(servers)) {
      const probe = await fetch(`${s.url}${name === 'nginx' ? plain[0] : signed[0]}`);
      if (probe.status !== 200) throw new Error(`${name} answered ${probe.status}`);
      await probe.arrayBuffer();
      runWrk(s.url, { seconds: 2, connections: 8, script: s.script }); // warm-up
    }
    type Run = WrkResult & { load: string };
    const runs: Record<number, Record<keyof typeof servers, Run[]>> = {};
    for (const c of CONNECTIONS) {
      runs[c] = { node: [], route: [], nginx: [], accel: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = (Object.keys(servers) as Array<keyof typeof servers>).map(
          (_, i, all) => all[(i + round) % all.length]!,
        );
        for (const name of order) {
          const r = runWrk(servers[name].url, {
            seconds: SECONDS,
            connections: c,
            script: servers[name].script,
          });
          runs[c]![name].push({ ...r, load: load1() });
          console.log(
            `c=${c} round ${round + 1} ${name}: ${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.p99}, load ${load1()}`,
          );
        }
      }
    }
    const mean = (rs: Run[]) => rs.reduce((a, r) => a + r.requestsPerSec, 0) / rs.length;
    const p99 = (rs: Run[]) => rs.reduce((a, r) => a + ms(r.p99), 0) / rs.length;
    const label = {
      node: 'Reelkit (front, segments held in memory)',
      route: 'Reelkit, route read path (DELIVERY_CACHE_MB=0)',
      nginx: 'nginx alone',
      accel: 'nginx + Reelkit (x-accel)',
    };
    const lines: string[] = [];
    for (const c of CONNECTIONS) {
      const r = runs[c]!;
      for (const name of ['nginx', 'node', 'route', 'accel'] as const) {
        lines.push(
          `| ${c} | ${label[name]} | ${r[name].map((x) => x.requestsPerSec.toFixed(0)).join(', ')} | ${mean(r[name]).toFixed(0)} | ${r[name].map((x) => x.p99).join(', ')} | ${r[name].map((x) => x.load).join(', ')} | ${r[name].reduce((a, x) => a + x.non2xx, 0)} |`,
        );
      }
    }
    const ratios = CONNECTIONS.map((c) => {
      const r = runs[c]!;
      return `- c=${c}: Reelkit / nginx **${(mean(r.node) / mean(r.nginx)).toFixed(2)}×** requests/s (target ≥ 0.8×), p99 **${(p99(r.node) / p99(r.nginx)).toFixed(2)}×** nginx's (target ≤ 2×); the route's read path ${(mean(r.route) / mean(r.nginx)).toFixed(2)}×, p99 ${(p99(r.route) / p99(r.nginx)).toFixed(2)}×; nginx + Reelkit / nginx **${(mean(r.accel) / mean(r.nginx)).toFixed(2)}×** (target ≥ 0.9×), p99 ${(p99(r.accel) / p99(r.nginx)).toFixed(2)}×.`;
    });
    console.log(ratios.join('\n'));
    await writeBenchmarkSection(
      '## Signed segments vs nginx (`npm run bench:delivery`)',
      `Run ${new Date().toISOString().slice(0, 10)}; ${machineLine()}.

12 signed segment URLs (\`/v1/play/<token>/<videoId>/hls/<rung>/seg_0000n.m4s\`, three rungs of
${RUNGS.map((r) => `${r.kib} KiB`).join(' / ')} segments, four each, in the page cache), requested in turn by
\`wrk -t1 -d${SECONDS}s\` at -c8 and -c64, ${ROUNDS} rounds, the order of the four servers rotating each round:

- **Reelkit**: the whole app (\`DELIVERY_CACHE_MB\` at its default, 64), where a signed segment is answered in
  front of Koa on the raw \`request\` event (\`playback/delivery-front.ts\`): path allow-list, cached token
  check, video binding and origin as the route does them, then the segment's bytes, held in memory
  (\`playback/hot-file-cache.ts\`, re-checked with one \`stat\` a second), and its headers, prepared once,
  in one \`writeHead\` + \`end\`; the request-duration histogram is updated as before;
- **Reelkit, route read path**: the same app with \`DELIVERY_CACHE_MB=0\`, so the front holds nothing and
  every segment goes to the route in Koa (the fast path ahead of the API's chain) and its read path for files
  (a descriptor shared for 1 s whose \`fstat\` gives size and date, pooled 1 MiB buffers written to the socket):
  the code before the front, measured in the same sitting;
- **nginx alone**: \`nginx-light\`, \`worker_processes 1\`, \`sendfile on\`, serving the same files by path (no token);
- **nginx + Reelkit**: the shipped \`deploy/nginx/reelkit.conf.template\` in front of Reelkit with
  \`DELIVERY_OFFLOAD=x-accel\`, same \`worker_processes 1\`: for segments nginx asks Reelkit for a decision on the
  token, video and Origin (\`auth_request\`), keeps a "yes" for up to 5 s (never past the token's expiry) and
  sends the file itself; in this run one token fetches all 12 URLs, as one viewer does, so about one decision
  in 5 s reaches Reelkit (see [guide-scaling.md](guide-scaling.md#nginx-in-front-sending-the-bytes-delivery_offloadx-accel)).

| conns | server | requests/s per run | mean | p99 per run | load average (1 min) after each run | non-2xx |
| ---: | --- | --- | ---: | --- | --- | ---: |
${lines.join('\n')}

${ratios.join('\n')}

Needs \`wrk\` and nginx: \`npm test\` installs \`nginx-light\` but not \`wrk\` (benchmarks run on demand); without
either the benchmark stops at once and says which to \`apt-get install\`.

Where the time goes (\`--cpu-prof\` of the server during one \`wrk -c64\` run of these 12 URLs). Before the
front (load average 1.5): 32 % the kernel's \`writev\` (copying the bytes into the socket), 17 % \`read\` of
the file into pooled buffers, ~15 % Koa (context, delegates, response setters), 13 % inclusive in the metrics
middleware and the request-id and error-handler wrappers around the route, ~6 % Node's header building
(\`setHeader\`, \`_storeHeader\`, header validation), 1 % the shared descriptor cache, under 1 % the cached
token check (HMAC only once per token), under 1 % the path allow-list, 7 % idle. With the front (load
average 19): 56 % idle — waiting for the next request, as wrk (the client) competes for the same two
cores with everything else on the machine —, 23 % \`writev\`, and
every piece of JavaScript together about 12 %: the front itself ~2.5 %, the hot-file cache lookup 0.6 %,
the request id (\`randomUUID\`) 0.9 %, the metrics histogram 0.6 %, the token check 0.3 %, the path
allow-list 0.3 %, the rest Node's HTTP parser and writer. No \`read\`, \`open\` or \`fstat\` remains per request.
What is left is the copy: nginx hands the kernel page-cache pages with \`sendfile\`, Node must copy its
buffer into the socket (Node has no \`sendfile\`), so for segments of hundreds of KiB Node spends about
twice nginx's kernel time per request before any JavaScript runs. Earlier runs of this benchmark: before
the fast path (2026-11-30, load average about 16) 0.25×/0.27× nginx at c=8/c=64; with the Koa-level fast
path (same day, load 14–16) 0.43×/0.44×, x-accel 0.38×/0.49×.

The machine has 2 cores shared with other work (see the load averages): wrk, nginx and Node compete for them,
so runs of the same server differ by more than ±15 % from one round to the next.`,
    );
  } finally {
    await front.stop();
    await alone.stop();
    await rm(work, { recursive: true, force: true });
    child.kill('SIGTERM');
  }
}

if (process.argv[2] === 'serve') await serve();
else await main();
