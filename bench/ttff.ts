// `npm run bench:ttff`: time to first frame in Chromium for three pages that play the same video
// from one real API server: (a) bare hls.js given the signed master URL and the start level the
// SDK ends up on, (b) the SDK's `createPlayer`, (c) `<reelkit-player>` loaded from the server's
// stable script URL. Writes its section of docs/benchmarks.md.
//
// Everything is real: the server is `packages/server/src/main.ts` and the video a 1280×720 upload
// transcoded by a `packages/transcoder/src/main.ts` worker with its default settings (the full
// ladder, poster and storyboard), both child processes on loopback. Pages are served from another
// origin (127.0.0.1, another port), as on a customer's site. Each run opens its page in a fresh
// browser context, so nothing is cached; the order of the three pages rotates each round, after one
// warm-up round that is not counted.
//
// TTFF is measured in the page: `requestVideoFrameCallback`'s `presentationTime` for the first
// frame, in ms since the navigation started (`performance.timeOrigin`). The `playing` event's time
// is recorded beside it.
//
// Knobs: BENCH_RUNS (15), BENCH_CLIP_SECONDS (12), BENCH_TRACE (0): after the rounds, that many
// runs of the SDK and element pages each under a Chromium performance trace, whose main-thread
// tasks and requests before the first frame are printed (the traces are kept in a temp folder to
// open in DevTools); traced runs are not counted.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureBundles } from '../scripts/lib/bundles.mjs';
import { call, freePort, signup, uploadVideo, pollVideoStatus } from '../test/support/api-client.js';
import { launchChromium, SDK_IIFE, serveSite } from '../test/support/browser.js';
import { makeClip } from '../test/support/clips.js';
import { startTs, type Proc } from '../test/support/processes.js';
import { functionsBetween, summariseMainThread, TRACE_CATEGORIES } from './lib/main-thread-trace.js';
import { machineLine, repoRoot, writeBenchmarkSection } from './lib/report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLIP_SECONDS = Number(process.env.BENCH_CLIP_SECONDS ?? 12);
const TRACED_RUNS = Number(process.env.BENCH_TRACE ?? 0);
const HLS_JS = join(repoRoot, 'node_modules/hls.js/dist/hls.min.js');
const HLS_VERSION = (
  JSON.parse(readFileSync(join(repoRoot, 'node_modules/hls.js/package.json'), 'utf8')) as { version: string }
).version;
const PAGES = ['bare', 'sdk', 'element'] as const;
type PageName = (typeof PAGES)[number];
const LABEL: Record<PageName, string> = {
  bare: 'bare hls.js',
  sdk: 'SDK `createPlayer`',
  element: '`<reelkit-player>`',
};

/** What a page reports once its first frame is on screen. */
interface PageResult {
  /** requestVideoFrameCallback's presentationTime of the first frame, ms since navigation start. */
  frame: number;
  /** The first `playing` event, ms since navigation start. */
  playing: number;
  /** Height of the first frame. */
  height: number;
  /** Poster and storyboard files the page requested before its first frame. */
  extras: string[];
  /** When each step of the start happened, ms since navigation start (see `STEPS`). */
  steps: Partial<Record<Step, number>>;
}

/**
 * The start of a page as Chromium's performance timeline shows it (`PerformanceResourceTiming`, and
 * a mark when the page's player script has run): where the element's extra milliseconds go.
 */
const STEPS = ['script', 'ready', 'master', 'variant', 'init', 'segment'] as const;
type Step = (typeof STEPS)[number];
const STEP_LABEL: Record<Step, string> = {
  script: 'player script loaded (`responseEnd`)',
  ready: 'player script run (`createPlayer` called / element defined)',
  master: 'master playlist asked (`startTime`)',
  variant: 'first variant playlist asked',
  init: 'init segment asked',
  segment: 'first media segment received (`responseEnd`)',
};

/** What a page logs once it has both its first frame and `playing` (see `MEASURE`). */
const DONE = 'reelkit-ttff-done';

// Runs first in every page: `watchVideo(v)` records the first presented frame and `playing`, and
// says so on the console: the harness only listens until then. Polling the page from Playwright
// (`waitForFunction`, or `goto` waiting for `load`) had Playwright inject its ~17 ms utility
// script into the page in the middle of the start, at a different step in each run.
const MEASURE = `<script>
window.ttff = null;
window.ttffPlaying = null;
window.markReady = () => performance.mark('player-ready');
const ttffDone = () => { if (window.ttff && window.ttffPlaying !== null) console.log('${DONE}'); };
window.watchVideo = (v) => {
  v.addEventListener('playing', () => { window.ttffPlaying ??= performance.now(); ttffDone(); });
  v.requestVideoFrameCallback((now, meta) => {
    window.ttff = { frame: meta.presentationTime, height: meta.height };
    ttffDone();
  });
};
</script>`;

function page(head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ttff</title>${MEASURE}${head}
<style>body{margin:0}video,reelkit-player{display:block;width:640px;height:360px}</style></head>
<body>${body}</body></html>`;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether Redis and the database were already running, by the ports scripts/services.mjs uses. */
async function servicesRunning(): Promise<boolean> {
  const probe = spawnSync(
    process.execPath,
    ['-e', "import('./scripts/lib/paths.mjs').then((m) => console.log(JSON.stringify(m.ports)))"],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  const ports = JSON.parse(probe.stdout) as { redis: number; mongo: number };
  return (await portOpen(ports.redis)) && (await portOpen(ports.mongo));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200. */
async function waitHttp(url: string, proc: Proc, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`process exited:\n${proc.output()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${url} did not answer in ${timeoutMs / 1000} s:\n${proc.output()}`);
}

/** Opens `url` in a fresh context (empty cache) and waits for the page's first frame. */
async function measure(browser: Browser, url: string): Promise<PageResult> {
  const context = await browser.newContext({ viewport: { width: 800, height: 450 } });
  try {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const extras: string[] = [];
    let framed = false;
    tab.on('request', (req) => {
      const file = /\/(poster\.jpg|storyboard\.(?:jpg|vtt))(?:\?|$)/.exec(req.url())?.[1];
      if (file && !framed) extras.push(file);
    });
    const done = tab.waitForEvent('console', { predicate: (m) => m.text() === DONE, timeout: 60_000 });
    await tab.goto(url, { waitUntil: 'commit' });
    try {
      await done;
    } catch (err) {
      throw new Error(`${url}: no frame (${errors.join('; ')})`, { cause: err });
    }
    framed = true;
    // A string, not a function: tsx would wrap the helpers of a function in __name, absent in the page.
    const r = (await tab.evaluate(`(() => {
      const steps = {};
      for (const e of performance.getEntriesByType('resource')) {
        const path = new URL(e.name).pathname;
        const step = /(reelkit-player|reelkit\\.iife\\.min|hls\\.min)\\.js$/.test(path) ? ['script', e.responseEnd]
          : /\\/master\\.m3u8$/.test(path) ? ['master', e.startTime]
          : /\\/index\\.m3u8$/.test(path) ? ['variant', e.startTime]
          : /\\/init\\.mp4$/.test(path) ? ['init', e.startTime]
          : /\\/seg_\\d+\\.m4s$/.test(path) ? ['segment', e.responseEnd]
          : undefined;
        if (step && !(step[0] in steps)) steps[step[0]] = step[1];
      }
      const ready = performance.getEntriesByName('player-ready')[0];
      if (ready) steps.ready = ready.startTime;
      return { ...window.ttff, playing: window.ttffPlaying, steps };
    })()`)) as Omit<PageResult, 'extras'>;
    return { ...r, extras };
  } finally {
    await context.close();
  }
}

/** BENCH_TRACE: runs of the SDK and element pages under a trace; prints each one's main thread. */
async function traceRuns(browser: Browser, siteUrl: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'reelkit-ttff-traces-'));
  for (let i = 0; i < TRACED_RUNS; i++) {
    for (const name of ['sdk', 'element'] as const) {
      await browser.startTracing(undefined, { categories: TRACE_CATEGORIES });
      const r = await measure(browser, `${siteUrl}/${name}`);
      const buffer = await browser.stopTracing();
      const path = join(dir, `${name}-${i + 1}.json`);
      await writeFile(path, buffer);
      const trace = JSON.parse(buffer.toString('utf8')) as never;
      const summary = summariseMainThread(trace, {
        pageUrl: `${siteUrl}/${name}`,
        untilMs: r.frame,
      });
      // The JavaScript between the master playlist's request and the first frame (minified names:
      // map them with the bundle's source map).
      const functions = functionsBetween(trace, {
        pageUrl: `${siteUrl}/${name}`,
        fromMs: r.steps.master ?? 0,
        toMs: r.frame,
      }).slice(0, 15);
      const lines = [
        ...summary.tasks.map((t) => ({ at: t.start, text: `task ${t.duration.toFixed(1)} ms: ${t.label}` })),
        ...summary.requests.map((q) => ({ at: q.at, text: `→ ${q.file}` })),
        ...Object.entries(r.steps).map(([step, at]) => ({ at: at, text: `step ${step}` })),
      ].sort((a, b) => a.at - b.at);
      const kinds = Object.entries(summary.byKind)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, ms]) => `${k} ${ms.toFixed(1)}`);
      console.log(
        `\n${name} traced run ${i + 1}: first frame ${r.frame.toFixed(0)} ms; load ${loadavg()[0]!.toFixed(2)}; ${path}\n` +
          lines.map((l) => `  ${l.at.toFixed(0).padStart(5)}  ${l.text}`).join('\n') +
          `\n  main thread by kind (ms): ${kinds.join('; ')}` +
          `\n  JavaScript from the master's request to the first frame (inclusive/self ms): ${functions.map((f) => `${f.name} ${f.inclusive.toFixed(1)}/${f.self.toFixed(1)}`).join('; ')}`,
      );
    }
  }
}

declare global {
  interface Window {
    ttff: { frame: number; height: number } | null;
    ttffPlaying: number | null;
    markReady: () => void;
  }
}

const median = (xs: number[]) => quantile(xs, 0.5);
/** Nearest-rank quantile. */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  // The pages load the bundles built from the sources as they are now.
  await ensureBundles();
  const hadServices = await servicesRunning();
  const services = spawnSync(process.execPath, ['scripts/services.mjs', 'up', '--profile', 'dev', '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (services.status !== 0) throw new Error('could not start Redis and the database');
  const stack = JSON.parse(services.stdout) as Record<string, string>;
  const work = await mkdtemp(join(tmpdir(), 'reelkit-bench-ttff-'));
  const runId = Date.now().toString(36);
  const pages: Record<string, string> = {};
  const site = await serveSite(pages, { '/reelkit.iife.min.js': SDK_IIFE, '/hls.min.js': HLS_JS });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...stack,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    CORS_ORIGINS: site.url,
    MONGODB_DB: `reelkit_bench_ttff_${runId}`,
    REDIS_PREFIX: `reelkit-bench-ttff-${runId}`,
    STORAGE_DIR: join(work, 'storage'),
    STATE_DIR: join(work, 'state'),
  };
  await mkdir(env.STORAGE_DIR!, { recursive: true });
  let server: Proc | undefined;
  let worker: Proc | undefined;
  let browser: Browser | undefined;
  const results: Record<PageName, PageResult[]> = { bare: [], sdk: [], element: [] };
  // What the run found, filled in as it goes.
  const run = { startLevel: -1, startHeight: 0, loadBefore: '', loadAfter: '' };
  try {
    server = startTs('packages/server/src/main.ts', env);
    worker = startTs('packages/transcoder/src/main.ts', { ...env, LOG_LEVEL: 'info' });
    const [clip] = await Promise.all([
      makeClip({ width: 1280, height: 720, seconds: CLIP_SECONDS, fps: 30 }),
      waitHttp(`${base}/readyz`, server, 60_000),
      worker.waitFor(/worker ready/, 60_000),
    ]);
    const admin = await signup(base, 'TTFF Bench Org');
    const videoId = await uploadVideo(base, admin.accessToken, clip, 'TTFF');
    console.log(`transcoding a ${CLIP_SECONDS} s 1280×720 clip…`);
    const video = await pollVideoStatus(base, admin.accessToken, videoId, ['ready', 'failed'], 900_000);
    if (video.status !== 'ready') throw new Error(`transcode failed: ${JSON.stringify(video.error)}`);
    await worker.stop();
    worker = undefined;
    const org = await call(base, 'PATCH', '/v1/org', {
      token: admin.accessToken,
      body: { embedOrigins: [site.url] },
    });
    if (org.status !== 200) throw new Error(`PATCH /v1/org: ${org.status} ${org.text}`);
    const minted = await call(base, 'POST', `/v1/videos/${videoId}/playback-tokens`, {
      token: admin.accessToken,
      body: { ttlSeconds: 3600 },
    });
    if (minted.status !== 201) throw new Error(`mint: ${minted.status} ${minted.text}`);
    const token = minted.body.token as string;
    const descriptor = await call(base, 'GET', `/v1/videos/${videoId}/playback?token=${token}`);
    if (descriptor.status !== 200 || !descriptor.body.hls)
      throw new Error(`playback: ${descriptor.status} ${descriptor.text}`);
    const rungs = (video.renditions as Array<{ height: number }>).map((r) => r.height);
    console.log(`ready: rungs ${rungs.join('/')}`);

    pages['/sdk'] = page(
      '<script src="/reelkit.iife.min.js"></script>',
      `<video id="v" muted playsinline></video>
<script>
const v = document.getElementById('v');
watchVideo(v);
window.player = Reelkit.createPlayer(v, ${JSON.stringify({ videoId, apiBase: base, token, src: descriptor.body.hls, autoplay: true })});
markReady();
</script>`,
    );
    pages['/element'] = page(
      `<script src="${base}/embed/reelkit-player.js"></script>`,
      `<reelkit-player video-id="${videoId}" token="${token}" src="${descriptor.body.hls as string}" api-base="${base}" autoplay muted></reelkit-player>
<script>
customElements.whenDefined('reelkit-player').then(markReady);
(async () => {
  const el = document.querySelector('reelkit-player');
  let v;
  while (!(v = el.shadowRoot?.querySelector('video'))) await new Promise((r) => setTimeout(r, 5));
  watchVideo(v);
})();
</script>`,
    );

    browser = await launchChromium(['--disable-features=LocalNetworkAccessChecks']);
    // The SDK leaves the start to hls.js (its VOD settings: a 2 Mbit/s first estimate, capped to the
    // player's size); the bare page is given the rung the SDK's first frame came from.
    const probe = await browser.newContext();
    const tab = await probe.newPage();
    await tab.goto(`${site.url}/sdk`);
    await tab.waitForFunction(() => window.ttff !== null, null, { timeout: 60_000 });
    Object.assign(
      run,
      await tab.evaluate(() => {
        const height = window.ttff!.height;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the IIFE's player, untyped here
        const levels = (window as any).player.hls.levels as Array<{ height: number }>;
        return { startLevel: levels.findIndex((l) => l.height === height), startHeight: height };
      }),
    );
    await probe.close();
    if (run.startLevel < 0) throw new Error(`no level of height ${run.startHeight}`);
    console.log(`the SDK starts at level ${run.startLevel} (${run.startHeight}p)`);
    pages['/bare'] = page(
      '<script src="/hls.min.js"></script>',
      `<video id="v" muted playsinline></video>
<script>
const v = document.getElementById('v');
watchVideo(v);
const hls = new Hls({ startLevel: ${run.startLevel} });
hls.on(Hls.Events.MANIFEST_PARSED, () => v.play());
hls.loadSource(${JSON.stringify(descriptor.body.hls)});
hls.attachMedia(v);
markReady();
</script>`,
    );

    for (const name of PAGES) await measure(browser, `${site.url}/${name}`); // warm-up
    run.loadBefore = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    for (let round = 0; round < RUNS; round++) {
      const order = PAGES.map((_, i) => PAGES[(i + round) % PAGES.length]!);
      const line: string[] = [];
      for (const name of order) {
        const r = await measure(browser, `${site.url}/${name}`);
        results[name].push(r);
        line.push(
          `${name} ${r.frame.toFixed(0)} ms (${r.height}p${r.extras.length ? `, ${r.extras.join(' ')}` : ''})`,
        );
      }
      console.log(`round ${round + 1}/${RUNS}: ${line.join(', ')}; load ${loadavg()[0]!.toFixed(2)}`);
    }
    run.loadAfter = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    if (TRACED_RUNS > 0) await traceRuns(browser, site.url);
  } finally {
    await browser?.close();
    await worker?.stop();
    await server?.stop();
    await site.close();
    const mongoose = (await import('mongoose')).default;
    const conn = await mongoose.createConnection(stack.MONGODB_URI!, { dbName: env.MONGODB_DB }).asPromise();
    await conn.dropDatabase();
    await conn.close();
    const { Redis } = await import('ioredis');
    const redis = new Redis(stack.REDIS_URL!);
    const keys = await redis.keys(`${env.REDIS_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await rm(work, { recursive: true, force: true });
    // Redis and the database stay up if they were up before, as every benchmark leaves them.
    if (!hadServices) spawnSync(process.execPath, ['scripts/services.mjs', 'down'], { cwd: repoRoot });
  }
  if (RUNS > 0) await writeSection({ results, ...run });
}

async function writeSection(o: {
  results: Record<PageName, PageResult[]>;
  startLevel: number;
  startHeight: number;
  loadBefore: string;
  loadAfter: string;
}): Promise<void> {
  const stat = (name: PageName) => {
    const frames = o.results[name].map((r) => r.frame);
    const playing = o.results[name].map((r) => r.playing);
    const heights = [...new Set(o.results[name].map((r) => r.height))].join('/');
    const extras = o.results[name].filter((r) => r.extras.length > 0).length;
    return { median: median(frames), p90: quantile(frames, 0.9), playing: median(playing), heights, extras };
  };
  const s = { bare: stat('bare'), sdk: stat('sdk'), element: stat('element') };
  const elementSdk = s.element.median / s.sdk.median;
  const sdkBare = s.sdk.median / s.bare.median;
  const rows = PAGES.map(
    (n) =>
      `| ${LABEL[n]} | ${s[n].median.toFixed(0)} | ${s[n].p90.toFixed(0)} | ${s[n].playing.toFixed(0)} | ${s[n].heights} | ${s[n].extras} of ${o.results[n].length} | ${o.results[n].map((r) => r.frame.toFixed(0)).join(', ')} |`,
  );
  const stepRows = STEPS.map((step) => {
    const cell = (n: PageName) => {
      const at = o.results[n].map((r) => r.steps[step]).filter((x): x is number => x !== undefined);
      return at.length ? median(at).toFixed(0) : '–';
    };
    return `| ${STEP_LABEL[step]} | ${PAGES.map(cell).join(' | ')} |`;
  });
  stepRows.push(`| first frame | ${PAGES.map((n) => s[n].median.toFixed(0)).join(' | ')} |`);
  const verdict = (x: number, target: number) =>
    `**${x.toFixed(2)}×** (target ≤ ${target.toFixed(2)}×: ${x <= target ? 'met' : 'not met'})`;
  console.log(
    `median/p90 ms: ${PAGES.map((n) => `${n} ${s[n].median.toFixed(0)}/${s[n].p90.toFixed(0)}`).join(', ')}; ` +
      `element/SDK ${elementSdk.toFixed(2)}×, SDK/bare ${sdkBare.toFixed(2)}×; load ${o.loadBefore} → ${o.loadAfter}`,
  );
  await writeBenchmarkSection(
    '## Time to first frame (`npm run bench:ttff`)',
    `Run ${new Date().toISOString().slice(0, 10)}; ${machineLine()}; load average before the measured rounds ${o.loadBefore}.

Debian's Chromium (headless, playwright-core) opens three pages from a static server on 127.0.0.1 that play the
same video from one API server (\`packages/server/src/main.ts\`, another port): a ${CLIP_SECONDS} s 1280×720
upload transcoded by a real worker with its defaults (ladder, poster, storyboard). Each page is 640×360 and
autoplays muted:

- **bare hls.js** (\`hls.min.js\` ${HLS_VERSION} from node_modules, default settings): the signed master URL written into
  the page, \`startLevel: ${o.startLevel}\` — the rung the SDK's first frame comes from (${o.startHeight}p),
  \`play()\` on \`MANIFEST_PARSED\`;
- **SDK**: the IIFE, \`Reelkit.createPlayer(video, { videoId, apiBase, token, src, autoplay: true })\` with
  \`src\` the signed master URL a backend gets when it mints the token (\`playback.hls\`): hls.js asks for the
  master at once, and \`/v1/videos/:id/playback\` goes alongside, off the critical path;
- **\`<reelkit-player>\`**: the IIFE from the server's \`/embed/reelkit-player.js\`, \`video-id\`, \`token\`,
  \`src\` (the same URL), \`autoplay\`, \`muted\`.

TTFF is measured in the page: the first \`requestVideoFrameCallback\`'s \`presentationTime\` (the first frame
handed to the compositor), in ms since navigation start. ${RUNS} rounds after one unmeasured warm-up
round, the order of the three pages rotating each round; every run in a fresh browser context (empty cache).
The harness does not touch a page until it logs that it has its first frame and \`playing\` (since
2026-12-01 21:15: before, waiting with Playwright's \`waitForFunction\` injected a ~17 ms script into each
page in the middle of its start, at a different step in each run, which blurred every figure up to then).

| page | median (ms) | p90 (ms) | \`playing\` median (ms) | first frame height | runs that asked for poster or storyboard before the first frame | each run (ms) |
| --- | ---: | ---: | ---: | --- | ---: | --- |
${rows.join('\n')}

Where the time goes: the median time of each step of the start, ms since navigation start (Chromium's
\`PerformanceResourceTiming\` of each page's requests, and a mark when the player's script has run):

| step (median, ms) | ${PAGES.map((n) => LABEL[n]).join(' | ')} |
| --- | ${PAGES.map(() => '---:').join(' | ')} |
${stepRows.join('\n')}

- \`<reelkit-player>\` / SDK: ${verdict(elementSdk, 1.05)} (medians)
- SDK / bare hls.js: ${verdict(sdkBare, 1.0)} (medians)

Given \`src\`, the SDK and the element request the master playlist as the bare page does, without waiting for
the playback descriptor (\`GET /v1/videos/:id/playback\`, asked alongside for the token's expiry, poster and
storyboard); without \`src\` (\`videoId\` + \`token\` only, still supported) that answer comes first. The
element adds loading its own script from the API's origin (held in memory and sent gzipped since 2026-12-01:
the timeline at load 18 had it arrive ~90 ms after the SDK's when it was streamed from disk) and defining
the element; it starts hls.js when the element is connected, on a frame and video made with it, and renders
nothing more until its first frame is on screen (or a second has passed, or the start needs the viewer), so
neither the first playlist request nor hls.js's handling of the first playlists and segment waits for, or
shares the main thread with, that render (the control bar and menus come with the first frame), and it reads no \`localStorage\` for a video without captions or audio tracks to choose from, so
hls.js's handling of the first playlists and segment is not delayed by the element's own work
(\`BENCH_TRACE=n\` prints each page's main thread before its first frame). The last column but one
counts runs in which the page asked for \`poster.jpg\` or \`storyboard.*\` before its first frame was seen
(with autoplay the element should ask for neither).

The machine has 2 cores shared with other work (see the load averages), so single runs vary by
hundreds of ms; the medians of alternating runs are what compare.`,
  );
}

await main();
