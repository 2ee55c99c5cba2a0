// `npm run bench:transcode`: the transcode job (enqueue → result, through Redis and a real worker
// process) against the bare ffmpeg command line producing the same ladder, and against one ffmpeg
// process per rung, side by side in one run on a generated 1080p clip. Wall time and CPU seconds
// (user + system of the process and the children it waited for, from /proc). Writes its section of
// docs/benchmarks.md. Needs Redis (`npm run services`) and ffmpeg.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchmarkSection } from './lib/report.js';
import { QUEUES, TRANSCODE_JOBS, type TranscodeJobData, type TranscodeResult } from '@reelkit/protocol';
import {
  buildLadderArgs,
  chooseLadder,
  planAudioTracks,
  planStoryboard,
  probeFile,
  type LadderPlan,
  type StoryboardPlan,
} from '@reelkit/transcoder';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { makeClip } from '../test/support/clips.js';
import { startTs } from '../test/support/processes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PRESET = process.env.BENCH_PRESET ?? 'veryfast';
const SEGMENT_S = 4;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380/0';
const PREFIX = 'reelkit-bench-tc';
const CLK_TCK = 100;

interface Measure {
  wallS: number;
  cpuS: number;
}

/** CPU seconds of a process and of the children it has waited for (/proc/<pid>/stat 14–17). */
async function cpuSeconds(pid: number | 'self'): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i]), 0);
  return ticks / CLK_TCK;
}

async function measure(run: () => Promise<void>, pid: number | 'self' = 'self'): Promise<Measure> {
  const cpu0 = await cpuSeconds(pid);
  const t0 = performance.now();
  await run();
  const wallS = (performance.now() - t0) / 1000;
  return { wallS, cpuS: (await cpuSeconds(pid)) - cpu0 };
}

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`)),
    );
  });
}

async function outputDirs(dir: string, plan: LadderPlan): Promise<void> {
  for (const r of plan.rungs) await mkdir(join(dir, 'hls', `${r.rung}p`), { recursive: true });
  await mkdir(join(dir, 'mp4'), { recursive: true });
  await mkdir(join(dir, 'storyboard-tiles'), { recursive: true });
}

function loadNow(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function main(): Promise<void> {
  const loadStart = loadNow();
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-tc-'));
  const storage = join(work, 'storage');
  console.log(`making a ${SECONDS} s 1920x1080 clip…`);
  const clip = await makeClip({ width: 1920, height: 1080, seconds: SECONDS, fps: 30 });
  const meta = await probeFile(clip, { ffprobePath: 'ffprobe' });
  const plan = chooseLadder(meta, { segmentSeconds: SEGMENT_S });
  const storyboard: StoryboardPlan = planStoryboard({ durationS: meta.duration, width: 1920, height: 1080 });
  const ladder = (outDir: string, p: LadderPlan) =>
    buildLadderArgs({
      input: clip,
      outDir,
      plan: p,
      storyboard,
      video: {
        deinterlace: null,
        hdr: null,
        colour: { matrix: null, transfer: null, primaries: null, range: null },
        codedHeight: meta.height,
      },
      audioStream: meta.hasAudio ? 1 : null,
      audioTracks: meta.hasAudio
        ? planAudioTracks([{ index: 1, channels: 2, language: null, title: null, default: true }])
        : [],
      preset: PRESET,
    });

  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.transcode, { connection, prefix: PREFIX });
  const events = new QueueEvents(QUEUES.transcode, { connection: connection.duplicate(), prefix: PREFIX });
  const worker = startTs('packages/transcoder/src/main.ts', {
    REDIS_URL,
    REDIS_PREFIX: PREFIX,
    STORAGE_DIR: storage,
    X264_PRESET: PRESET,
    HLS_SEGMENT_S: String(SEGMENT_S),
    LOG_LEVEL: 'info',
  });
  try {
    await queue.obliterate({ force: true });
    await Promise.all([worker.waitFor(/worker ready/), events.waitUntilReady()]);

    console.log('bare ffmpeg, the same one-process ladder…');
    const bareDir = join(work, 'bare');
    await outputDirs(bareDir, plan);
    const bare = await measure(() => ffmpeg(ladder(bareDir, plan)));
    console.log(bare);

    console.log('the transcode job, enqueue → result…');
    const data: TranscodeJobData = { orgId: 'bench', videoId: `v${Date.now()}`, sourceKey: '' };
    data.sourceKey = `${data.orgId}/${data.videoId}/source`;
    await mkdir(join(storage, data.orgId, data.videoId), { recursive: true });
    await copyFile(clip, join(storage, data.sourceKey));
    let result: TranscodeResult | undefined;
    const job = await measure(async () => {
      const added = await queue.add(TRANSCODE_JOBS.transcode, data, { jobId: data.videoId });
      result = (await added.waitUntilFinished(events, 30 * 60_000)) as TranscodeResult;
    }, worker.child.pid!);
    console.log(job, result?.durations);

    console.log('one ffmpeg process per rung…');
    const perDir = join(work, 'per-rung');
    await outputDirs(perDir, plan);
    const perRung = await measure(async () => {
      for (const rung of plan.rungs) await ffmpeg(ladder(perDir, { ...plan, rungs: [rung] }));
    });
    console.log(perRung);

    await writeSection({ bare, job, perRung, plan, result: result!, loadStart });
  } finally {
    await worker.stop('SIGTERM');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await events.close();
    await queue.close();
    connection.disconnect();
    await rm(work, { recursive: true, force: true });
  }
}

async function writeSection(r: {
  bare: Measure;
  job: Measure;
  perRung: Measure;
  plan: LadderPlan;
  result: TranscodeResult;
  loadStart: string;
}): Promise<void> {
  const path = join(root, 'docs/benchmarks.md');
  const heading = '## Transcoding (`npm run bench:transcode`)';
  const cpu = /model name\s*:\s*(.*)/.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const row = (name: string, m: Measure) =>
    `| ${name} | ${m.wallS.toFixed(1)} | ${m.cpuS.toFixed(1)} | ${(m.wallS / r.bare.wallS).toFixed(2)}× | ${(m.cpuS / r.bare.cpuS).toFixed(2)}× |`;
  const d = r.result.durations;
  const section = `${heading}

Run ${new Date().toISOString().slice(0, 10)} on ${cpu}, 2 cores shared with other work, Node ${process.version},
ffmpeg 5.1 (Debian), x264 preset \`${PRESET}\`. Source: a generated ${SECONDS} s 1920×1080 30 fps clip
(testsrc2 + sine, H.264/AAC). Ladder ${r.plan.rungs.map((x) => `${x.rung}p`).join('/')}, ${SEGMENT_S} s fMP4 segments,
the ${r.plan.mp4Rung}p rung also as a progressive MP4, storyboard thumbnails. The three runs are sequential, in this order.
CPU is user + system seconds of the process and its children, from \`/proc/<pid>/stat\`.

| run | wall s | CPU s | wall vs bare | CPU vs bare |
| --- | -----: | ----: | -----------: | ----------: |
${row('bare ffmpeg: the same one-process command line (decode once, split, all rungs)', r.bare)}
${row('transcode job: enqueue → result (worker process, probe, poster, ladder, sprite, finalize)', r.job)}
${row('one ffmpeg process per rung, one after another (decodes the source once per rung)', r.perRung)}

Job / bare ffmpeg: **${(r.job.wallS / r.bare.wallS).toFixed(2)}×** wall time (target ≤ 1.10×). Inside the job: probe
${(d.probe / 1000).toFixed(1)} s, poster ${(d.thumbnails / 1000).toFixed(1)} s, ladder ${(d.transcode / 1000).toFixed(1)} s, finalize
(measure segments, sprite, playlists, rename) ${(d.finalize / 1000).toFixed(1)} s. Load average at the start:
${r.loadStart}; at the end: ${loadNow()}. When the load is above the number of cores, wall times measure the
neighbours as much as the code; the CPU seconds are the comparison that holds.
`;
  await writeBenchmarkSection(heading, section.slice(heading.length));
  console.log(`wrote ${path}`);
}

await main();
