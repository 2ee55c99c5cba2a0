// `npm run bench:range-s3`: the progressive file route on the S3 driver (the test SeaweedFS) for
// 1 MiB ranges, side by side with a direct ranged GET of the same object from SeaweedFS's S3
// endpoint (a presigned URL, so wrk needs no signing), and the server's RSS during a large multipart
// upload and a large tus upload into S3. Writes its section of docs/benchmarks.md. Needs wrk.
//
// The server under test is bench/range.ts's `serve` child (only the video routes, a fixed bench
// principal) with STORAGE=s3. Knobs: BENCH_UPLOAD_MIB (default 2048), BENCH_SECONDS per wrk run
// (10), BENCH_ROUNDS of route + direct, their order alternating (4), BENCH_NODE_OPTIONS for the server
// child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Storage } from '@reelkit/storage';
import { makeSource, uploadMultipart, uploadTus } from './lib/multipart-upload.js';
import { cpuMs, seaweedPid } from './lib/process-cpu.js';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const WRK_CONNECTIONS = 8;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const ORG = '650000000000000000000001';

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
    const targets = { route: routeUrl, direct: directUrl, proxy: proxyUrl };
    type Target = keyof typeof targets;
    const names = Object.keys(targets) as Target[];
    for (const url of Object.values(targets)) spawnSync('wrk', ['-t1', '-c2', '-d2s', '-s', script, url]);
    const loadBefore = load();
    const rounds: Array<
      Record<Target, WrkResult> & { cpu: Record<Target, number>; weed: Record<Target, number>; load: string }
    > = [];
    // The servers' CPU time per MiB served: what a busy machine cannot blur (it stretches time, not work).
    const pids: Partial<Record<Target, number>> = { route: child.pid!, proxy: proxy.child.pid! };
    // SeaweedFS shares the two cores with the server: its CPU per MiB shows what the relay costs.
    const weedPid = seaweedPid();
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating which goes first, so a neighbour's burst does not always land on one side.
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      console.log(`wrk round ${round + 1}: ${order.join(', ')}…`);
      const results = {} as Record<Target, WrkResult>;
      const cpu = {} as Record<Target, number>;
      const weed = {} as Record<Target, number>;
      for (const name of order) {
        const pid = pids[name];
        const before = pid ? cpuMs(pid) : 0;
        const weedBefore = weedPid ? cpuMs(weedPid) : 0;
        results[name] = runWrk(targets[name], { seconds: WRK_SECONDS, connections: WRK_CONNECTIONS, script });
        const mib = results[name].mibPerSec * WRK_SECONDS;
        cpu[name] = pid ? (cpuMs(pid) - before) / mib : NaN;
        weed[name] = weedPid ? (cpuMs(weedPid) - weedBefore) / mib : NaN;
      }
      rounds.push({ ...results, cpu, weed, load: load() });
      console.log(
        `  ${names.map((n) => `${n} ${results[n].mibPerSec.toFixed(0)} MiB/s (p50 ${results[n].p50}, ${cpu[n].toFixed(2)} CPU ms/MiB, SeaweedFS ${weed[n].toFixed(2)})`).join(', ')}, load ${load()}`,
      );
    }
    const mean = (name: Target): WrkResult => ({
      ...rounds.at(-1)![name],
      requestsPerSec: rounds.reduce((a, r) => a + r[name].requestsPerSec, 0) / rounds.length,
      mibPerSec: rounds.reduce((a, r) => a + r[name].mibPerSec, 0) / rounds.length,
    });
    const route = mean('route');
    const direct = mean('direct');
    const bare = mean('proxy');
    if (route.non2xx || direct.non2xx || bare.non2xx) throw new Error('non-2xx answers during the run');
    const ratio = route.mibPerSec / direct.mibPerSec;
    console.log({ route, direct, bare, ratio });

    const cpuOf = (name: Target) => rounds.reduce((a, r) => a + r.cpu[name], 0) / rounds.length;
    const weedOf = (name: Target) => rounds.reduce((a, r) => a + r.weed[name], 0) / rounds.length;
    const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(2));
    const row = (name: string, target: Target) => {
      const w = mean(target);
      return `| ${name} | ${w.requestsPerSec.toFixed(0)} | ${w.mibPerSec.toFixed(0)} | ${w.p50} | ${w.p99} | ${ms(cpuOf(target))} | ${ms(weedOf(target))} |`;
    };
    const heading = '## Ranges and uploads on S3 storage (`npm run bench:range-s3`)';
    await writeBenchmarkSection(
      heading,
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${machineLine()} (the machine was shared with other work).
SeaweedFS (the test store, \`weed server\` on the same machine) behind \`STORAGE=s3\`. Load average before
the range rounds ${loadBefore}.

**1 MiB ranges.** \`wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s\`, ${ROUNDS} rounds of both, which goes first
alternating (mean shown), each request a random 1 MiB-aligned range of the same ${UPLOAD_MIB} MiB object:
\`GET /v1/videos/:id/file\` on the S3 driver (auth middleware, the video document from the 2 s file cache,
\`S3Storage.openReader\`: size and date from a \`HeadObject\` cached for 1 s, then one ranged GET signed by the
driver's own SigV4 signer, sent on a pooled keep-alive socket without the AWS SDK, its body read into pooled
512 KiB buffers and written on to the client's socket itself once the response's head is out) against a ranged GET of the same object straight from
SeaweedFS's S3 endpoint (presigned), and a bare Node proxy (node:http forwarding each Range to a presigned URL,
piping the answer) as the ceiling of an ordinary Node pipe. CPU ms/MiB is the server's user + system CPU time per
MiB it served (\`/proc/<pid>/stat\`): a busy machine stretches the time of a run, not its work.

| path | requests/s | MiB/s | p50 | p99 | server CPU ms/MiB | SeaweedFS CPU ms/MiB |
| ---- | ---------: | ----: | --: | --: | ---------: | ---------: |
${row('Reelkit /file on S3', 'route')}
${row('SeaweedFS S3, direct', 'direct')}
${row('bare Node proxy', 'proxy')}

Reelkit / direct: **${ratio.toFixed(2)}×** (target ≥ 0.8×: ${ratio >= 0.8 ? 'met' : 'not met'}). Bare Node proxy / direct: ${(bare.mibPerSec / direct.mibPerSec).toFixed(2)}×.
Per round (route / direct / bare proxy MiB/s, load average after the round): ${rounds.map((r) => `${r.route.mibPerSec.toFixed(0)} / ${r.direct.mibPerSec.toFixed(0)} / ${r.proxy.mibPerSec.toFixed(0)} (${r.load})`).join('; ')}.

**Upload.** One ${UPLOAD_MIB} MiB multipart \`POST /v1/videos\` into S3 storage (sniffed, hashed, written as an
S3 multipart upload of 8 MiB parts, 2 in flight): ${up.seconds.toFixed(1)} s, **${uploadMiBs.toFixed(0)} MiB/s**.
Server RSS ${up.baseline.toFixed(0)} MiB before, ${up.peak.toFixed(0)} MiB at peak: **+${(up.peak - up.baseline).toFixed(0)} MiB**
(target < 100 MB: ${up.peak - up.baseline < 95 ? 'met' : 'not met'}).

**tus upload.** Then, in the same server, one ${UPLOAD_MIB} MiB tus upload as \`tus-js-client\` sends it with its
default \`chunkSize: Infinity\` (\`POST /v1/uploads\`, one PATCH of every byte kept as an object in the bucket,
then concatenated into \`source\`): ${tus.seconds.toFixed(1)} s, **${tusMiBs.toFixed(0)} MiB/s**. Server RSS
${tus.baseline.toFixed(0)} MiB before, ${tus.peak.toFixed(0)} MiB at peak: **+${(tus.peak - tus.baseline).toFixed(0)} MiB**
(target < 100 MB: ${tus.peak - tus.baseline < 95 ? 'met' : 'not met'}).${UPLOAD_MIB < 2048 ? ` The issue asks for 2 GiB; this run used ${UPLOAD_MIB} MiB (\`BENCH_UPLOAD_MIB\`).` : ''}
`,
    );
    console.log('wrote docs/benchmarks.md');
  } finally {
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
