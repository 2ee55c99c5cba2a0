// `npm run bench:publish-s3`: what publishing a job's outputs costs by storage driver — the
// transcoder's `publishOutputs` (the `finalize` stage's storage part) on a scratch folder shaped
// like a 10 s 720p job's outputs (4 rungs × 5 segments, init segments and playlists, an MP4, a
// poster), into a local folder and into S3 (the test SeaweedFS), rounds alternating which goes first.
// Reports the wall time per publish and per file, and the CPU time per file of this process (the
// worker's side) and of SeaweedFS (the store's side, on the same two cores). Writes its section of
// docs/benchmarks.md. Knobs: BENCH_RUNS (rounds, 5), BENCH_SEGMENTS per rung (5).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, S3Storage, type Storage } from '@reelkit/storage';
import { publishOutputs } from '@reelkit/transcoder';
import { cpuMs, seaweedPid } from './lib/process-cpu.js';
import { machineLine, testServices, writeBenchmarkSection } from './lib/report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 5);
/** Bytes of a 2 s segment per rung, about what the default ladder's bitrates give. */
const RUNGS: Record<string, number> = { '240p': 100_000, '360p': 200_000, '480p': 350_000, '720p': 700_000 };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The outputs of a job, written into `dir`; returns the top-level entries and the file count. */
async function makeOutputs(dir: string): Promise<{ entries: string[]; files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const put = async (path: string, size: number) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), Buffer.alloc(size, files % 251));
    files++;
    bytes += size;
  };
  for (const [rung, segment] of Object.entries(RUNGS)) {
    await put(`hls/${rung}/init.mp4`, 1_200);
    for (let i = 1; i <= SEGMENTS; i++)
      await put(`hls/${rung}/seg_${String(i).padStart(5, '0')}.m4s`, segment);
    await put(`hls/${rung}/index.m3u8`, 400);
  }
  await put('hls/master.m3u8', 600);
  await put('mp4/720p.mp4', Math.round((RUNGS['720p']! * SEGMENTS) / 1.5));
  await put('poster.jpg', 60_000);
  return { entries: ['hls', 'mp4', 'poster.jpg'], files, bytes };
}

interface Sample {
  wallMs: number;
  workerCpuMs: number;
  storeCpuMs: number;
}

async function main(): Promise<void> {
  const services = testServices('test');
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-publish-'));
  const prefix = `bench-publish-${Date.now().toString(36)}/`;
  const s3Options = {
    bucket: services.S3_BUCKET!,
    endpoint: services.S3_ENDPOINT!,
    region: services.S3_REGION!,
    prefix,
    credentials: { accessKeyId: services.S3_ACCESS_KEY_ID!, secretAccessKey: services.S3_SECRET_ACCESS_KEY! },
    forcePathStyle: true,
  };
  const s3 = new S3Storage(s3Options);
  const sdkS3 = new S3Storage({ ...s3Options, signedPut: false });
  const local = new LocalStorage(join(work, 'storage'));
  const drivers: Array<{ name: string; storage: Storage; concurrency: number; samples: Sample[] }> = [
    { name: 'local folder', storage: local, concurrency: 16, samples: [] },
    { name: 'S3, signed PUTs, 16 at once', storage: s3, concurrency: 16, samples: [] },
    { name: "S3, the SDK's PutObject, 8 at once (before)", storage: sdkS3, concurrency: 8, samples: [] },
  ];
  const weed = seaweedPid();
  const loads: string[] = [];
  try {
    const outputs = join(work, 'scratch');
    const { entries, files, bytes } = await makeOutputs(outputs);
    const publish = ({ storage, concurrency }: (typeof drivers)[number], n: number) =>
      publishOutputs({
        storage,
        concurrency,
        workDir: outputs,
        folderKey: `650000000000000000000001/6500000000000000000000${String(n).padStart(2, '0')}`,
        entries,
        masterPath: 'hls/master.m3u8',
        signal: new AbortController().signal,
      });
    // One unmeasured publish each: connections, the JIT.
    for (const d of drivers) await publish(d, 99);
    const loadBefore = load();
    for (let round = 0; round < RUNS; round++) {
      // Rotating which goes first, so a neighbour's burst does not always land on one driver.
      const order = drivers.map((_, i) => drivers[(i + round) % drivers.length]!);
      for (const d of order) {
        const weedBefore = weed ? cpuMs(weed) : 0;
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await publish(d, round);
        const wallMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        d.samples.push({
          wallMs,
          workerCpuMs: (cpu.user + cpu.system) / 1000,
          storeCpuMs: weed ? cpuMs(weed) - weedBefore : NaN,
        });
        console.log(`${d.name}: ${wallMs.toFixed(0)} ms, load ${load()}`);
      }
      loads.push(load());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const of = (d: (typeof drivers)[number], k: keyof Sample) => median(d.samples.map((s) => s[k]));
    const [localRun, s3Run, sdkRun] = drivers as [
      (typeof drivers)[number],
      (typeof drivers)[number],
      (typeof drivers)[number],
    ];
    const row = (d: (typeof drivers)[number]) =>
      `| ${d.name} | ${of(d, 'wallMs').toFixed(0)} | ${(of(d, 'wallMs') / files).toFixed(1)} | ${(of(d, 'workerCpuMs') / files).toFixed(2)} | ${d === localRun ? '–' : (of(d, 'storeCpuMs') / files).toFixed(2)} | ${d.samples.map((s) => s.wallMs.toFixed(0)).join(', ')} |`;
    await writeBenchmarkSection(
      '## Publishing by storage driver (`npm run bench:publish-s3`)',
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${machineLine()}. Load average before the
measured rounds ${loadBefore}; after each round ${loads.join('; ')}.

The transcoder's \`publishOutputs\` (the storage part of the \`finalize\` stage: clean-up of earlier
attempts, then media, rung playlists, master playlist) on a scratch folder shaped like a 10 s 720p
job's outputs: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB (4 rungs × ${SEGMENTS} segments of 0.1–0.7 MB, init
segments, playlists, an MP4, a poster). ${RUNS} rounds, which driver goes first alternating, one
unmeasured publish each first; medians. On S3 every file under 8 MiB is one \`PUT\` signed by the driver,
16 at once; the last row sends them through the SDK's \`PutObject\` 8 at once, as publishing did
before (the clean-up's single listing per entry is in both). CPU per file is this process's (the worker's side) and SeaweedFS's (\`/proc/<pid>/stat\`;
the store is shared with whatever else the machine runs, so its figure is an upper bound).

| storage | publish ms | ms per file | worker CPU ms per file | SeaweedFS CPU ms per file | every run (ms) |
| ------- | ---------: | ----------: | ---------------------: | ------------------------: | -------------- |
${row(localRun)}
${row(s3Run)}
${row(sdkRun)}

S3 / local: **${(of(s3Run, 'wallMs') / of(localRun, 'wallMs')).toFixed(2)}×** (through the SDK, as before: ${(of(sdkRun, 'wallMs') / of(localRun, 'wallMs')).toFixed(2)}×).
`,
    );
    console.log('wrote docs/benchmarks.md');
  } finally {
    await s3.deletePrefix('650000000000000000000001/').catch((err: unknown) => console.error(err));
    s3.destroy();
    sdkS3.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
