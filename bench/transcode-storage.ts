// `npm run bench:transcode-storage`: enqueue → result of the transcode job of a short clip, through
// Redis and a real worker process, with each storage driver: a local folder, and S3 (the test
// SeaweedFS, or the store S3_* names) when S3_ENDPOINT is set. Writes its section of
// docs/benchmarks.md. Needs Redis (`npm run services`) and ffmpeg; `npm run services -- --profile
// test --json` prints the S3_* variables of the local SeaweedFS.
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUEUES, TRANSCODE_JOBS, type TranscodeJobData, type TranscodeResult } from '@reelkit/protocol';
import { createStorage, type StorageConfig } from '@reelkit/storage';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { writeBenchmarkSection } from './lib/report.js';
import { makeClip } from '../test/support/clips.js';
import { startTs } from '../test/support/processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PRESET = process.env.BENCH_PRESET ?? 'ultrafast';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380/0';
const PREFIX = 'reelkit-bench-tcs';

interface DriverRun {
  name: string;
  wallS: number[];
  finalizeS: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function runDriver(name: string, env: Record<string, string>, clip: string): Promise<DriverRun> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.transcode, { connection, prefix: PREFIX });
  const events = new QueueEvents(QUEUES.transcode, { connection: connection.duplicate(), prefix: PREFIX });
  const storage = createStorage(env as unknown as StorageConfig);
  const worker = startTs('packages/transcoder/src/main.ts', {
    REDIS_URL,
    REDIS_PREFIX: PREFIX,
    X264_PRESET: PRESET,
    HLS_SEGMENT_S: '2',
    LOG_LEVEL: 'info',
    ...env,
  });
  const out: DriverRun = { name, wallS: [], finalizeS: [] };
  try {
    await queue.obliterate({ force: true });
    await Promise.all([worker.waitFor(/worker ready/), events.waitUntilReady()]);
    for (let i = 0; i < RUNS; i++) {
      const data: TranscodeJobData = { orgId: 'bench', videoId: `v${Date.now()}${i}`, sourceKey: '' };
      data.sourceKey = `${data.orgId}/${data.videoId}/source`;
      await storage.write(data.sourceKey, createReadStream(clip));
      const t0 = performance.now();
      const added = await queue.add(TRANSCODE_JOBS.transcode, data, { jobId: data.videoId });
      const result = (await added.waitUntilFinished(events, 10 * 60_000)) as TranscodeResult;
      out.wallS.push((performance.now() - t0) / 1000);
      out.finalizeS.push(result.durations.finalize / 1000);
      console.log(name, out.wallS.at(-1)!.toFixed(2), 's', result.durations);
      await storage.deletePrefix(`${data.orgId}/${data.videoId}/`);
    }
  } finally {
    await worker.stop('SIGTERM');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await events.close();
    await queue.close();
    connection.disconnect();
    (storage as { destroy?: () => void }).destroy?.();
  }
  return out;
}

async function main(): Promise<void> {
  const loadStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-tcs-'));
  try {
    console.log(`making a ${SECONDS} s 1280x720 clip…`);
    const clip = await makeClip({ width: 1280, height: 720, seconds: SECONDS, fps: 25 });
    const runs = [
      await runDriver('local folder', { STORAGE: 'local', STORAGE_DIR: join(work, 'storage') }, clip),
    ];
    if (process.env.S3_ENDPOINT) {
      const s3 = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => k.startsWith('S3_')) as Array<[string, string]>,
      );
      runs.push(
        await runDriver(
          'S3 (SeaweedFS on the same machine)',
          {
            STORAGE: 's3',
            ...s3,
            S3_PREFIX: `${s3.S3_PREFIX ?? ''}bench-${Date.now()}/`,
            S3_FORCE_PATH_STYLE: s3.S3_FORCE_PATH_STYLE ?? 'true',
          },
          clip,
        ),
      );
    }
    const cpu = /model name\s*:\s*(.*)/.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
    const local = median(runs[0]!.wallS);
    const rows = runs.map(
      (r) =>
        `| ${r.name} | ${median(r.wallS).toFixed(2)} | ${median(r.finalizeS).toFixed(2)} | ${(median(r.wallS) / local).toFixed(2)}× | ${r.wallS.map((w) => w.toFixed(2)).join(', ')} |`,
    );
    await writeBenchmarkSection(
      '## Transcoding by storage driver (`npm run bench:transcode-storage`)',
      `

Run ${new Date().toISOString().slice(0, 10)} on ${cpu}, 2 cores shared with other work, Node ${process.version}.
Source: a generated ${SECONDS} s 1280×720 25 fps clip, x264 preset \`${PRESET}\`, 2 s segments; ${RUNS} jobs
one after another per driver, each through Redis and a real worker process: enqueue → result. The worker
fetches the source from storage into its scratch folder and publishes every output through the driver
(finalize includes the publishing). Load average at the start: ${loadStart}.

| storage | median wall s | median finalize s | vs local | every run (s) |
| ------- | ------------: | ----------------: | -------: | ------------- |
${rows.join('\n')}
`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
