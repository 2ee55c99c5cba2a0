// `npm run bench:catalogue`: the catalogue at 1,000 / 10,000 / 100,000 videos per organisation on
// the embedded default (FerretDB 1.24, SQLite). It starts its own FerretDB (a free port, its own
// state folder: the shared one serves other people's tests) and uses the shared Redis under a
// prefix of its own, seeds two organisations of the same size with realistic ~2.3 KB documents,
// rebuilds the catalogue index as a server start does, then times each query shape through the
// real API (createApp, every middleware) next to the database's own time for the driver query the
// code used before the index (which is also what it falls back to while the index is rebuilt).
// BENCH_LEVELS=1000,10000 for a quicker run; BENCH_RUNS (default 7) runs per shape.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket, createServer } from 'node:net';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import {
  connectDatabase,
  createApp,
  createLogger,
  createRedis,
  listen,
  loadServerConfig,
} from '../packages/server/src/index.js';
import { encodeCursor } from '../packages/server/src/videos/cursor.js';
import { titleTokens } from '../packages/server/src/videos/title-tokens.js';
import { createVideoModel } from '../packages/server/src/videos/video-model.js';
import { machineLine, writeBenchmarkSection, testServices } from './lib/report.js';

const LEVELS = (process.env.BENCH_LEVELS ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * The old driver queries read every document: each is timed once, and above 1,000 videos only
 * the first page, a filter and the stats (the other shapes cost the same: a full read).
 */
const LEGACY_EVERY_SHAPE_UP_TO = Number(process.env.BENCH_LEGACY_ALL_UP_TO ?? 1000);
/** The database's answers above 1,000 videos are cut off after this (`maxTimeMS`): they read everything. */
const DB_BUDGET_MS = Number(process.env.BENCH_DB_BUDGET_MS ?? 90_000);
const FERRETDB = join(homedir(), '.cache/reelkit/bin/ferretdb-v1.24.2');

const WORDS = (
  'alpha beta gamma delta harbour river mountain city night morning summer winter garden kitchen ' +
  'review tutorial interview keynote launch demo trailer recap highlights behind scenes episode ' +
  'crème brûlée café façade naïve über señor smörgåsbord product team weekly meeting update ' +
  'drone footage wedding concert match training session lecture webinar unboxing timelapse'
).split(' ');
const STATUSES = [
  ...Array<string>(85).fill('ready'),
  ...Array<string>(5).fill('failed'),
  ...Array<string>(4).fill('processing'),
  ...Array<string>(4).fill('queued'),
  ...Array<string>(2).fill('uploading'),
];
const VISIBILITIES = [
  ...Array<string>(12).fill('private'),
  ...Array<string>(5).fill('public'),
  'unlisted',
  'unlisted',
  'unlisted',
];

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** A video document as the pipeline leaves it (~2.3 KB in BSON, like the demo sample's). */
function videoDoc(orgId: Types.ObjectId, at: number, n: number): Record<string, unknown> {
  const _id = Types.ObjectId.createFromTime(Math.floor(at / 1000));
  const status = pick(STATUSES);
  const title = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${n}`;
  const prefix = `${orgId.toHexString()}/${_id.toHexString()}`;
  const ready = status === 'ready';
  const duration = Math.round(random() * 60_000) / 100;
  const size = Math.floor(5e6 + random() * 5e8);
  const rung = (h: number, w: number, bw: number) => ({
    rung: h,
    width: w,
    height: h,
    bandwidth: bw,
    averageBandwidth: Math.round(bw * 0.8),
    codecs: 'avc1.64001f,mp4a.40.2',
    frameRate: 29.97,
    playlistKey: `${prefix}/hls/${h}p/index.m3u8`,
  });
  const date = new Date(at);
  return {
    _id,
    orgId,
    title,
    titleTokens: titleTokens(title),
    description: `Recorded ${date.toDateString()}. ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}, with notes from the team about ${pick(WORDS)} and ${pick(WORDS)}.`,
    visibility: pick(VISIBILITIES),
    status,
    progress: { stage: ready ? 'finalize' : 'queued', percent: ready ? 100 : 0 },
    source: {
      key: `${prefix}/source`,
      size,
      sha256: _id.toHexString().padEnd(64, '0'),
      etag: `"${_id.toHexString()}"`,
      lastModified: date,
      mimeType: 'video/mp4',
      container: 'mp4',
      originalName: `${title.replace(/ /g, '_')}.mp4`,
    },
    ...(status === 'uploading'
      ? {}
      : {
          metadata: {
            duration,
            width: 1920,
            height: 1080,
            rotation: 0,
            fps: 29.97,
            videoCodec: 'h264',
            audioCodec: 'aac',
            hasAudio: true,
            hasVideo: true,
            bitrate: 8_000_000,
            container: 'mov,mp4,m4a,3gp,3g2,mj2',
            sizeBytes: size,
          },
        }),
    renditions: ready
      ? [
          rung(1080, 1920, 5_000_000),
          rung(720, 1280, 2_800_000),
          rung(480, 854, 1_400_000),
          rung(360, 640, 800_000),
          rung(240, 426, 400_000),
        ]
      : [],
    ...(ready
      ? {
          posterKey: `${prefix}/poster.jpg`,
          storyboard: { imageKey: `${prefix}/storyboard.jpg`, vttKey: `${prefix}/storyboard.vtt` },
          mp4: {
            key: `${prefix}/mp4/720p.mp4`,
            size: Math.round(size / 3),
            etag: `"m${_id.toHexString()}"`,
            lastModified: date,
            mimeType: 'video/mp4',
          },
          sensitivity: {
            score: 90,
            label: 'safe',
            reasons: [{ code: 'loudness', message: 'Integrated loudness above -9 LUFS', penalty: 10 }],
          },
        }
      : {}),
    ...(status === 'failed'
      ? { error: { code: 'source_unreadable', message: 'ffprobe could not read the file as media' } }
      : {}),
    createdBy: { kind: 'user', id: 'bench' },
    createdAt: date,
    updatedAt: date,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startFerretDB(dir: string): Promise<{ uri: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    FERRETDB,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (open) return { uri: `mongodb://127.0.0.1:${port}/`, child };
    await sleep(100);
  }
  throw new Error('FerretDB did not start');
}

interface Timing {
  median: number;
  max: number;
}

/** The database's answer, or a MaxTimeMSExpired-like error once the budget is spent. */
function withBudget(p: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const out = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('budget'), { code: 50 })), DB_BUDGET_MS);
  });
  p.catch(() => undefined);
  return Promise.race([p, out]).finally(() => clearTimeout(timer));
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    try {
      await fn();
    } catch (err) {
      // The database gave up at its budget (MaxTimeMSExpired): at least that long.
      if ((err as { code?: number }).code !== 50) throw err;
      return { median: Infinity, max: Infinity };
    }
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, max: ms.at(-1)! };
}

const step = (what: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${what}`);

const fmt = (t: Timing | undefined) =>
  !t
    ? '—'
    : t.median === Infinity
      ? `> ${DB_BUDGET_MS / 1000} s (stopped)`
      : t.median >= 1000
        ? `${(t.median / 1000).toFixed(1)} s`
        : `${t.median.toFixed(t.median < 10 ? 1 : 0)} ms`;
const fmtMax = (t: Timing) => (t.max >= 1000 ? `${(t.max / 1000).toFixed(1)} s` : `${t.max.toFixed(0)} ms`);

async function main(): Promise<void> {
  const env = testServices();
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const stateDir = await mkdtemp(join(tmpdir(), 'reelkit-bench-catalogue-'));
  const ferret = await startFerretDB(join(stateDir, 'ferretdb'));
  const prefix = `bench-cat-${process.pid}`;
  const config = loadServerConfig({
    ...env,
    MONGODB_URI: ferret.uri,
    MONGODB_DB: 'reelkit_bench_catalogue',
    REDIS_PREFIX: prefix,
    STORAGE_DIR: join(stateDir, 'storage'),
    LOG_LEVEL: 'warn',
    PORT: '0',
    RATE_LIMIT_API_PER_MIN: '1000000',
    RATE_LIMIT_IP_PER_MIN: '1000000',
  });
  const logger = createLogger({ level: 'warn', name: 'bench-catalogue' });
  const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, 'bench-catalogue');
  const reelkit = await createApp({ config, logger, db, redis });
  const server = await listen(reelkit.app, 0, '127.0.0.1');
  const Video = createVideoModel(db);
  const cleanup = async () => {
    await server.close(500);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await Promise.allSettled([reelkit.queue.close(), reelkit.webhooks.close()]);
    await db.close();
    redis.disconnect();
    ferret.child.kill('SIGTERM');
    await rm(stateDir, { recursive: true, force: true });
  };

  try {
    const signup = async (orgName: string) => {
      const res = await fetch(`${server.url}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          orgName,
          name: 'Bench',
          email: `${orgName}@bench.test`,
          password: 'correct horse battery',
        }),
      });
      if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { org: { id: string }; accessToken: string };
      return { orgId: new Types.ObjectId(body.org.id), token: body.accessToken };
    };
    /** A fresh access token (they live 15 minutes; seeding and rebuilding 100,000 take longer). */
    const login = async (orgName: string) => {
      const res = await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${orgName}@bench.test`, password: 'correct horse battery' }),
      });
      if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    step('app started');
    const a = await signup('orga');
    const b = await signup('orgb');
    const api = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${a.token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<unknown>;
    };

    const sections: string[] = [];
    const write = () =>
      writeBenchmarkSection(
        '## Catalogue at scale (`npm run bench:catalogue`)',
        `Run ${new Date().toISOString().slice(0, 10)}; ${machineLine()}. FerretDB 1.24.2 (SQLite handler) of its own, shared Redis 7 under a prefix of its own. Seeding ${(2 * have).toLocaleString('en')} documents with \`insertMany\` took ${(seededMs / 60_000).toFixed(1)} min. Each API shape ran ${RUNS} times after a warm-up (median and max), through \`createApp\` with every middleware, as the organisation's admin with a bearer token; the benchmark's client runs in the server's process. No API shape reads the database: pages, filters, search, one video and the stats come from the catalogue index in Redis. Load average at the start ${loadAtStart} (other engineers' test suites share the 2 cores, and FerretDB's per-document cost rises with the load). The last column is the same answer asked of the database straight through the driver — the query the API ran before the index, still runs while the index is rebuilt, and what MongoDB serves from its indexes (docs/videos.md) — median of 3 runs up to ${LEGACY_EVERY_SHAPE_UP_TO.toLocaleString('en')} videos, then one run of the first page, the newest video and the stats, given up after ${DB_BUDGET_MS / 1000} s (the others read every document just the same on FerretDB; a query given up may still run in FerretDB, so these come after the API shapes).

Targets at 100,000 on FerretDB: any library page ≤ 300 ms, title search ≤ 500 ms, stats ≤ 100 ms, a single video ≤ 20 ms.

${sections.join('\n\n')}`,
      );
    let have = 0;
    let seededMs = 0;
    const start = Date.UTC(2024, 0, 1);
    for (const level of LEVELS) {
      // Seed both organisations up to `level` each, interleaved in time like real uploads.
      const t0 = performance.now();
      for (let n = have; n < level; n += 500) {
        const docs: Array<Record<string, unknown>> = [];
        for (let i = n; i < Math.min(level, n + 500); i++) {
          const at = start + i * 60_000;
          docs.push(videoDoc(a.orgId, at, i), videoDoc(b.orgId, at + 1000, i));
        }
        await Video.collection.insertMany(docs, { ordered: false });
        if ((n / 500) % 20 === 0) step(`seeded ${n + 500} per organisation`);
      }
      seededMs += performance.now() - t0;
      have = level;
      const bytes = JSON.stringify(videoDoc(a.orgId, start, 1)).length;

      step(`seeded ${level}; rebuilding the index`);
      // What a server start does when the index is missing: rebuild it from the database.
      await reelkit.catalogue.index.invalidate();
      const r0 = performance.now();
      const rebuilt = await reelkit.catalogue.check();
      const rebuildMs = performance.now() - r0;
      if (!rebuilt?.ran || !(await reelkit.catalogue.index.isReady())) throw new Error('rebuild did not run');
      step(`index rebuilt in ${(rebuildMs / 1000).toFixed(1)} s`);
      a.token = await login('orga');

      // A cursor 90 % down the chain: the id at that depth, as the client would hold it.
      const deepId = (
        await redis.zrevrange(
          `${prefix}:cat:o:${a.orgId.toHexString()}:all`,
          Math.floor(level * 0.9),
          Math.floor(level * 0.9),
        )
      )[0]!;
      const deep = encodeCursor(new Types.ObjectId(deepId));
      const one = ((await api('/v1/videos?limit=1')) as { items: Array<{ id: string }> }).items[0]!.id;

      const orgId = a.orgId;
      // The same answers straight from the database through the driver: what the API did before
      // the index (and still does while it is rebuilt), and what MongoDB serves from its indexes.
      const dbPage =
        (filter: Record<string, unknown>, limit = 21) =>
        () =>
          Video.collection
            .find({ orgId, ...filter })
            .sort({ _id: -1 })
            .limit(limit)
            .toArray();
      const dbStats = () =>
        Promise.all(
          [1, '$metadata.duration', '$source.size'].map((value) =>
            Video.collection
              .aggregate(
                [
                  { $match: { orgId } },
                  { $group: { _id: '$status', value: { $sum: value } } },
                  { $sort: { _id: 1 } },
                ],
                { maxTimeMS: DB_BUDGET_MS },
              )
              .toArray(),
          ),
        );
      const shapes: Array<{
        name: string;
        run: () => Promise<unknown>;
        db: string;
        legacy: () => Promise<unknown>;
        always?: boolean;
      }> = [
        {
          name: 'first page, newest first (`?limit=20`)',
          run: () => api('/v1/videos?limit=20'),
          db: 'find, sort `_id` desc, limit',
          legacy: dbPage({}),
          always: true,
        },
        {
          name: 'page 90 % down the cursor chain',
          run: () => api(`/v1/videos?limit=20&cursor=${deep}`),
          db: 'find `_id < cursor`, sort, limit',
          legacy: dbPage({ _id: { $lt: new Types.ObjectId(deepId) } }),
        },
        {
          name: '`?status=failed` (5 %)',
          run: () => api('/v1/videos?limit=20&status=failed'),
          db: 'find by status, sort, limit',
          legacy: dbPage({ status: 'failed' }),
        },
        {
          name: '`?visibility=public&status=ready`',
          run: () => api('/v1/videos?limit=20&visibility=public&status=ready'),
          db: 'find by both, sort, limit',
          legacy: dbPage({ status: 'ready', visibility: 'public' }),
        },
        {
          name: 'title search `?q=gamma` (a word)',
          run: () => api('/v1/videos?limit=20&q=gamma'),
          db: 'find `titleTokens` /^gamma/, sort, limit',
          legacy: dbPage({ titleTokens: { $regex: '^gamma' } }),
        },
        {
          name: 'title search `?q=s` (one letter: a prefix of many words)',
          run: () => api('/v1/videos?limit=20&q=s'),
          db: 'find `titleTokens` /^s/, sort, limit',
          legacy: dbPage({ titleTokens: { $regex: '^s' } }),
        },
        {
          name: 'title search `?q=crème bru` (two words, folded)',
          run: () => api(`/v1/videos?limit=20&q=${encodeURIComponent('crème bru')}`),
          db: 'find both tokens, sort, limit',
          legacy: dbPage({
            $and: [{ titleTokens: { $regex: '^creme' } }, { titleTokens: { $regex: '^bru' } }],
          }),
        },
        {
          name: '`GET /v1/videos/:id` (the newest video)',
          run: () => api(`/v1/videos/${one}`),
          db: '`findOne({ _id })`',
          legacy: () =>
            Video.collection.findOne({ _id: new Types.ObjectId(one) }, { maxTimeMS: DB_BUDGET_MS }),
          always: true,
        },
        {
          name: '`GET /v1/videos/stats`',
          run: () => api('/v1/videos/stats'),
          db: '3 × `$match → $group → $sort`',
          legacy: dbStats,
          always: true,
        },
        {
          name: 'dashboard first load (`/v1/me` + `?limit=50`)',
          run: () => Promise.all([api('/v1/me'), api('/v1/videos?limit=50')]),
          db: 'the page: find, sort, limit 51',
          legacy: dbPage({}, 51),
        },
      ];
      // The API first (quick), written out at once; then the database's answers, which take
      // minutes each above 1,000 videos on FerretDB and are given up after DB_BUDGET_MS.
      const apiTimes: Timing[] = [];
      for (const s of shapes) {
        await s.run(); // warm-up
        const t = await time(RUNS, s.run);
        apiTimes.push(t);
        step(`${level} ${s.name}: ${fmt(t)} (max ${fmtMax(t)})`);
      }
      const load = loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
      const jsonBytes = Number(
        (await redis.call(
          'MEMORY',
          'USAGE',
          `${prefix}:cat:o:${a.orgId.toHexString()}:json`,
          'SAMPLES',
          '0',
        )) ?? 0,
      );
      const db: Array<Timing | undefined> = [];
      const section =
        () => `### ${level.toLocaleString('en')} videos per organisation (${(2 * level).toLocaleString('en')} in the database)

Load average after the API shapes: ${load}. The index was rebuilt from the database (the server's own rebuild, as at a start with an empty Redis) in ${(rebuildMs / 1000).toFixed(1)} s for ${rebuilt.videos.toLocaleString('en')} videos; the organisation's API JSON takes ${(jsonBytes / 2 ** 20).toFixed(1)} MiB of Redis (${Math.round(jsonBytes / level).toLocaleString('en')} bytes a video). A seeded document is ${bytes.toLocaleString('en')} bytes as JSON.

| Shape (org A; org B is the same size) | API median | API max | the same answer from the database (driver) |
| --- | --- | --- | --- |
${shapes.map((s, i) => `| ${s.name} | ${fmt(apiTimes[i])} | ${fmtMax(apiTimes[i]!)} | ${s.db}: ${fmt(db[i])} |`).join('\n')}`;
      sections.push(section());
      await write();
      for (const [i, s] of shapes.entries()) {
        if (level > LEGACY_EVERY_SHAPE_UP_TO && !s.always) continue;
        db[i] = await time(level <= LEGACY_EVERY_SHAPE_UP_TO ? 3 : 1, () => withBudget(s.legacy()));
        step(`${level} ${s.name}: database ${fmt(db[i])}`);
        sections[sections.length - 1] = section();
        await write();
      }
    }
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);
