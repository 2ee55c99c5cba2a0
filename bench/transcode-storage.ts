// `npm run bench:transcode-storage`: enqueue → result of the transcode job of a generated clip
// (60 s 1080p by default), through Redis and a real worker process, with each storage driver side by
// side: a local folder, and S3 (the store S3_* names, else the test SeaweedFS). Rounds alternate
// which driver goes first; each job gets a fresh worker. Writes its section of docs/benchmarks.md.
// Knobs: BENCH_SECONDS, BENCH_WIDTH × BENCH_HEIGHT, BENCH_RUNS (rounds), BENCH_PRESET.
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUEUES, TRANSCODE_JOBS, type TranscodeJobData, type TranscodeResult } from '@reelkit/protocol';
import { createStorage, type StorageConfig } from '@reelkit/storage';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { testServices, writeBenchmarkSection } from './lib/report.js';
import { makeClip } from '../test/support/clips.js';
import { startTs } from '../test/support/processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WIDTH = Number(process.env.BENCH_WIDTH ?? 1920);
const HEIGHT = Number(process.env.BENCH_HEIGHT ?? 1080);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const PRESET = process.env.BENCH_PRESET ?? 'ultrafast';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380/0';
const PREFIX = 'reelkit-bench-tcs';

const STAGES = ['probe', 'thumbnails', 'transcode', 'finalize'] as const;

interface DriverRun {
  name: string;
  wallS: number[];
  /** Seconds of each stage, per job (`probe` includes fetching the source, `finalize` publishing). */
  stageS: Record<(typeof STAGES)[number], number[]>;
  load: string[];
}

const loadLine = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One job through a fresh worker on the given storage, its times added to `out`. */
async function runJob(out: DriverRun, env: Record<string, string>, clip: string): Promise<void> {
  const { name } = out;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.transcode, { connection, prefix: PREFIX });
  // BullMQ leaves a connection it was given open: this one is closed below, or the process never exits.
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents(QUEUES.transcode, { connection: eventsConnection, prefix: PREFIX });
  const storage = createStorage(env as unknown as StorageConfig);
  const worker = startTs('packages/transcoder/src/main.ts', {
    REDIS_URL,
    REDIS_PREFIX: PREFIX,
    X264_PRESET: PRESET,
    HLS_SEGMENT_S: '2',
    LOG_LEVEL: 'info',
    ...env,
  });
  try {
    await queue.obliterate({ force: true });
    await Promise.all([worker.waitFor(/worker ready/), events.waitUntilReady()]);
    const data: TranscodeJobData = { orgId: 'bench', videoId: `v${Date.now()}`, sourceKey: '' };
    data.sourceKey = `${data.orgId}/${data.videoId}/source`;
    await storage.write(data.sourceKey, createReadStream(clip));
    const t0 = performance.now();
    const added = await queue.add(TRANSCODE_JOBS.transcode, data, { jobId: data.videoId });
    const result = (await added.waitUntilFinished(events, 30 * 60_000)) as TranscodeResult;
    out.wallS.push((performance.now() - t0) / 1000);
    for (const stage of STAGES) out.stageS[stage].push(result.durations[stage] / 1000);
    out.load.push(loadLine());
    console.log(name, out.wallS.at(-1)!.toFixed(2), 's', result.durations, 'load', out.load.at(-1));
    await storage.deletePrefix(`${data.orgId}/${data.videoId}/`);
  } finally {
    await worker.stop('SIGTERM');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await events.close();
    await queue.close();
    eventsConnection.disconnect();
    connection.disconnect();
    (storage as { destroy?: () => void }).destroy?.();
  }
}

async function main(): Promise<void> {
  const loadStart = loadLine();
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-tcs-'));
  try {
    console.log(`making a ${SECONDS} s ${WIDTH}x${HEIGHT} clip…`);
    const clip = await makeClip({ width: WIDTH, height: HEIGHT, seconds: SECONDS, fps: 25 });
    const s3 = process.env.S3_ENDPOINT
      ? Object.fromEntries(
          Object.entries(process.env).filter(([k]) => k.startsWith('S3_')) as Array<[string, string]>,
        )
      : Object.fromEntries(Object.entries(testServices('test')).filter(([k]) => k.startsWith('S3_')));
    const plain: Array<{ name: string; env: Record<string, string> }> = [
      { name: 'local folder', env: { STORAGE: 'local', STORAGE_DIR: join(work, 'storage') } },
      {
        name: 'S3 (SeaweedFS on the same machine)',
        env: {
          STORAGE: 's3',
          ...s3,
          S3_PREFIX: `${s3.S3_PREFIX ?? ''}bench-${Date.now()}/`,
          S3_FORCE_PATH_STYLE: s3.S3_FORCE_PATH_STYLE ?? 'true',
        },
      },
    ];
    const drivers = plain.map(({ name, env }) => ({
      env,
      run: {
        name,
        wallS: [],
        load: [],
        stageS: { probe: [], thumbnails: [], transcode: [], finalize: [] },
      } as DriverRun,
    }));
    for (let round = 0; round < RUNS; round++) {
      // Which driver goes first alternates, so a neighbour's burst does not always land on one side.
      const order = round % 2 === 0 ? drivers : [...drivers].reverse();
      for (const d of order) await runJob(d.run, d.env, clip);
    }
    const cpu = /model name\s*:\s*(.*)/.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
    const runs = drivers.map((d) => d.run);
    const local = median(runs[0]!.wallS);
    const s = (x: number) => x.toFixed(2);
    const rows = runs.map(
      (r) =>
        `| ${r.name} | ${s(median(r.wallS))} | ${STAGES.map((st) => s(median(r.stageS[st]))).join(' | ')} | ${s(median(r.wallS) / local)}× | ${r.wallS.map(s).join(', ')} |`,
    );
    const ratio = median(runs[1]!.wallS) / local;
    await writeBenchmarkSection(
      '## Transcoding by storage driver (`npm run bench:transcode-storage`)',
      `

Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, 2 cores shared with other work, Node ${process.version}.
Source: a generated ${SECONDS} s ${WIDTH}×${HEIGHT} 25 fps clip (testsrc2 + sine), x264 preset \`${PRESET}\`, 2 s
segments, the default ladder. ${RUNS} rounds; each round runs one job per driver, which goes first alternating, each
job through Redis and a fresh real worker process: enqueue → result. The worker fetches the source from storage into
its scratch folder (in \`probe\`) and publishes every output through the driver (in \`finalize\`: files under 8 MiB 16 at once, on S3 each one signed \`PUT\`; larger ones as multipart uploads, 2 at once).
Load average at the start: ${loadStart}; after each job: ${runs.map((r) => `${r.name}: ${r.load.join('; ')}`).join(' — ')}.

| storage | median wall s | probe s | thumbnails s | transcode s | finalize s | vs local | every run (s) |
| ------- | ------------: | ------: | -----------: | ----------: | ---------: | -------: | ------------- |
${rows.join('\n')}

S3 / local: **${s(ratio)}×** (target ≤ 1.15×: ${ratio <= 1.15 ? 'met' : 'not met'}). Stages are medians.
`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
