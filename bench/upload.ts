// `npm run bench:upload`: server RSS growth and throughput of one large upload, multipart
// (`POST /v1/videos`) and tus (`POST /v1/uploads` + one PATCH, then the concatenation into `source`),
// on this Node and on Debian's Node 20 side by side (when /usr/bin/node is another version), with
// and without a parallel CPU hog, and on this Node also without the upload GC pacer (the code as it
// was before it), so before and after come from one sitting. Writes its section of docs/benchmarks.md.
//
// Each upload gets a fresh server child (the video routes only, a fixed principal, real
// MongoDB/FerretDB, Redis and disk: `bench/range.ts serve`); RSS is read from /proc every 20 ms.
// The hog is one busy-looping process per core, started 60 s before its runs so that the load
// average (a one-minute mean) has risen; the load average is recorded before and after each upload.
//
// Knobs: BENCH_UPLOAD_MIB (default 2048, the issue's 2 GiB), BENCH_NODE20 (path of the second Node,
// default /usr/bin/node; empty to skip), BENCH_UPLOAD_ONLY=multipart|tus, BENCH_HOG_WARMUP_S (60),
// BENCH_UPLOAD_SHIPPED_ONLY=1 (only the shipped code on this Node: no unpaced or second-Node rows).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { makeSource, postMultipart, putTus } from './lib/multipart-upload.js';
import { benchServerEnv, removeBenchState, repoRoot, writeBenchmarkSection } from './lib/report.js';

const MiB = 1024 * 1024;
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 2048);
const NODE20 = process.env.BENCH_NODE20 ?? '/usr/bin/node';
const HOG_WARMUP_MS = Number(process.env.BENCH_HOG_WARMUP_S ?? 60) * 1000;
const TARGET_MIB = 64;

type Protocol = 'multipart' | 'tus';
interface Variant {
  node: string;
  version: string;
  paced: boolean;
}
interface Result {
  variant: Variant;
  protocol: Protocol;
  hog: boolean;
  seconds: number;
  baseline: number;
  peak: number;
  loadBefore: string;
  loadAfter: string;
}

await main();

async function loadavg(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const { work, storageDir, env } = await benchServerEnv('upload');

  const shippedOnly = process.env.BENCH_UPLOAD_SHIPPED_ONLY === '1';
  const variants: Variant[] = [
    { node: process.execPath, version: process.version, paced: true },
    ...(shippedOnly ? [] : [{ node: process.execPath, version: process.version, paced: false }]),
  ];
  if (!shippedOnly && NODE20 && existsSync(NODE20)) {
    const version = spawnSync(NODE20, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (version && version !== process.version) {
      variants.push({ node: NODE20, version, paced: true });
    }
  }
  const protocols: Protocol[] = process.env.BENCH_UPLOAD_ONLY
    ? [process.env.BENCH_UPLOAD_ONLY as Protocol]
    : ['multipart', 'tus'];

  const hogs: ChildProcess[] = [];
  const results: Result[] = [];
  try {
    const source = join(work, 'source.mp4');
    console.log(`making a ${UPLOAD_MIB} MiB source…`);
    await makeSource(source, UPLOAD_MIB);
    const warmup = join(work, 'warmup.mp4');
    await makeSource(warmup, 1);
    const size = UPLOAD_MIB * MiB;

    for (const hog of [false, true]) {
      if (hog) {
        for (let i = 0; i < cpus().length; i++)
          hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
        console.log(
          `CPU hog on (${hogs.length} processes); waiting ${HOG_WARMUP_MS / 1000} s for the load average…`,
        );
        await new Promise((r) => setTimeout(r, HOG_WARMUP_MS));
      }
      for (const variant of variants) {
        for (const protocol of protocols) {
          const r = await measure({ variant, protocol, hog, env, source, warmup, size });
          results.push(r);
          console.log(
            `${variant.version}${variant.paced ? '' : ' (unpaced)'} ${protocol}${hog ? ' + hog' : ''}: ` +
              `${(UPLOAD_MIB / r.seconds).toFixed(0)} MiB/s, RSS ${r.baseline.toFixed(0)} → ${r.peak.toFixed(0)} ` +
              `(+${(r.peak - r.baseline).toFixed(0)} MiB), load ${r.loadBefore} → ${r.loadAfter}`,
          );
          await rm(storageDir, { recursive: true, force: true });
          await mkdir(storageDir, { recursive: true });
        }
      }
    }
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
    await removeBenchState(env, work);
  }
  await writeSection(results);
}

async function measure(o: {
  variant: Variant;
  protocol: Protocol;
  hog: boolean;
  env: Record<string, string | undefined>;
  source: string;
  warmup: string;
  size: number;
}): Promise<Result> {
  const upload = o.protocol === 'multipart' ? postMultipart : putTus;
  const server = spawn(
    o.variant.node,
    [
      ...(o.variant.paced ? [] : ['--import', join(repoRoot, 'bench/lib/unpaced-upload-gc.mjs')]),
      '--conditions=source',
      '--import',
      'tsx',
      join(repoRoot, 'bench/range.ts'),
      'serve',
    ],
    { cwd: repoRoot, env: o.env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (code) => reject(new Error(`the server exited ${code}`)));
    });
    // The baseline is taken after a 1 MiB upload of the same kind, so that what the first request
    // costs once (lazy compilation, the model, the queue connection) is not counted as upload memory.
    await upload(port, o.warmup, MiB);
    await new Promise((r) => setTimeout(r, 1000));
    const pid = server.pid!;
    const baseline = await rssMiB(pid);
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssMiB(pid));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const loadBefore = await loadavg();
    const started = performance.now();
    await upload(port, o.source, o.size);
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    peak = Math.max(peak, await rssMiB(pid));
    return {
      variant: o.variant,
      protocol: o.protocol,
      hog: o.hog,
      seconds,
      baseline,
      peak,
      loadBefore,
      loadAfter: await loadavg(),
    };
  } finally {
    server.kill('SIGTERM');
    if (server.exitCode === null) await once(server, 'exit');
  }
}

async function writeSection(results: Result[]): Promise<void> {
  const heading = '## Upload memory (`npm run bench:upload`)';
  const cpu = /model name\s*:\s*(.*)/.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const rows = results.map((r) => {
    const growth = r.peak - r.baseline;
    const node = `${r.variant.version}${r.variant.paced ? '' : ' (without the pacer)'}`;
    const bold = r.variant.paced && r.variant.version === process.version ? '**' : '';
    return (
      `| ${node} | ${r.protocol} | ${r.hog ? 'yes' : 'no'} | ${r.loadBefore} → ${r.loadAfter} | ` +
      `${(UPLOAD_MIB / r.seconds).toFixed(0)} | ${r.baseline.toFixed(0)} → ${r.peak.toFixed(0)} | ${bold}+${growth.toFixed(0)}${bold} |`
    );
  });
  const mine = results.filter((r) => r.variant.paced && r.variant.version === process.version);
  const worst = Math.max(...mine.map((r) => r.peak - r.baseline));
  const loaded = mine.filter((r) => r.hog);
  const minLoad = Math.min(...loaded.map((r) => Number(r.loadBefore.split(' ')[0])));
  const body = `
Run ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${cpus().length} cores shared with other work, loopback.

One ${UPLOAD_MIB} MiB upload per row, each into a fresh server process (the video routes of \`bench/range.ts serve\`),
after a 1 MiB upload of the same kind (what a first request costs once is not upload memory),
streamed from disk by the client: multipart \`POST /v1/videos\`, and tus \`POST /v1/uploads\` then one
\`PATCH\` with the whole file (which also concatenates the part into \`source\`). Sniffed, hashed with sha256 and
written to storage on the way. RSS of the server from \`/proc/<pid>/status\` every 20 ms: before the upload (after
the warm-up), and its peak during it. "Hog" is one busy-looping process per core, running since 60 s before its rows. Load
average (1, 5, 15 min) before → after each upload. "Without the pacer" is the same code with the upload GC pacer
disabled (\`bench/lib/unpaced-upload-gc.mjs\`), i.e. the code as it was before it.

| Node | upload | hog | load average | MiB/s | RSS MiB | growth MiB |
| ---- | ------ | --- | ------------ | ----: | ------: | ---------: |
${rows.join('\n')}

Largest growth on ${process.version} with the pacer: **+${worst.toFixed(0)} MiB** (target < ${TARGET_MIB} MiB for 2 GiB at load
average ≥ 2; the hog rows started at a one-minute load average of ${minLoad.toFixed(2)} or more).
${UPLOAD_MIB < 2048 ? `The issue asks for 2 GiB; this run used ${UPLOAD_MIB} MiB (\`BENCH_UPLOAD_MIB\`).` : ''}
${results.every((r) => r.variant.paced && r.variant.node === process.execPath) ? 'This run measured the shipped code only (`BENCH_UPLOAD_SHIPPED_ONLY=1`); the rows without the pacer and on Node 20 are in the run of 2026-11-30 (git history of this file): without the pacer, +64 to +94 MiB.' : ''}

Why Node 24 grew more without the pacer: every body chunk is a fresh Buffer from Node's HTTP parser, garbage once
written. With \`--trace-gc\`, Node 20 frees them in scavenges whose reason is "external memory pressure" (about 85 per
2 GiB); Node 24's V8 runs no such scavenges, only incremental mark-compacts started by its 64 MiB external-memory
limit (about 72 per 2 GiB), which finish in idle-time tasks hundreds of milliseconds later — later still when the CPU
is busy. \`process.memoryUsage()\` during the upload showed external memory swinging between 22 and 90 MiB while the
stream buffers held about 2 MiB (request 64 KiB, busboy's file stream 64 KiB, the inspector 1 + 1 MiB, the write
stream 64 KiB). The pacer (\`packages/storage/src/garbage-pacer.ts\`) runs a young-generation GC after every
16 MiB that passes an upload inspector: about 128 scavenges of ~1 ms per 2 GiB, and 2 mark-compacts instead of 72.
The tus rows also read the stored part back (1 MiB reads) to concatenate it into \`source\`, hence their larger
growth. MiB/s differ by more than the code does when the machine is this loaded.
`;
  await writeBenchmarkSection(heading, body);
  console.log('wrote docs/benchmarks.md');
}
