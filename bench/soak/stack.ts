// The whole stack of a soak run on loopback, every part its own process that the run can kill and
// start again: a private Redis (AOF on, noeviction), a private FerretDB (or mongod), two API
// processes and two transcoder workers, media on a small tmpfs (so the run can fill it). Nothing
// here is shared with `npm start` or `npm test`; `stop()` ends everything it started, by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureFerretDB, which } from '../../scripts/lib/install.mjs';
import { freePort } from '../../test/support/api-client.js';
import { mountSmallVolume, type SmallVolume } from '../../test/support/small-volume.js';
import { repoRoot } from '../lib/report.js';
import { cleanStaleRuns, OWNER_FILE, WORK_PREFIX } from './stale-runs.js';

export type Role = 'redis' | 'database' | 'api' | 'worker';

/** One process of the stack: started, killed and started again by the run. */
export interface StackProcess {
  name: string;
  role: Role;
  /** Its pid while running. */
  pid(): number | undefined;
  running(): boolean;
  /** Starts it (again) and resolves once it answers. */
  start(): Promise<void>;
  /** Sends `signal` (SIGKILL by default) and resolves once it exited. SIGSTOP/SIGCONT return at once. */
  signal(signal?: NodeJS.Signals): Promise<void>;
  /** How many times it was started. */
  starts(): number;
  /** When (Date.now()) its latest start answered. */
  readyAt(): number;
  logFile: string;
}

export interface SoakStack {
  work: string;
  volume: SmallVolume;
  apis: StackProcess[];
  workers: StackProcess[];
  redis: StackProcess;
  database: StackProcess;
  /** Base URLs of the APIs, as their PUBLIC_URL. */
  apiUrls: string[];
  env: Record<string, string>;
  all(): StackProcess[];
  stop(): Promise<void>;
}

export interface StackOptions {
  volumeMiB: number;
  /** Worker lock duration: a killed or paused worker's job is taken over after about this long. */
  lockDurationMs: number;
}

const NODE_ARGS = ['--conditions=source', '--import', 'tsx'];

/**
 * How long an API or a worker may take to answer after it is started. On a quiet machine a few
 * seconds; at load 20 on two cores a restart during the run took more than 120 s (loading and
 * transpiling its modules with every core taken), which is slow, not dead.
 */
const START_BUDGET_MS = 240_000;

/** Where the logs of the latest run's processes are kept. */
export const KEPT_LOGS = join(repoRoot, '.reelkit', 'soak-logs');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function until(what: string, check: () => Promise<boolean>, budgetMs: number, logFile: string) {
  const end = Date.now() + budgetMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  let tail = '';
  try {
    tail = readFileSync(logFile, 'utf8').slice(-2000);
  } catch {
    // no log yet
  }
  throw new Error(`${what} did not answer within ${budgetMs} ms; its log ends:\n${tail}`);
}

/** Every child any stack started and has not seen exit: `killAll` ends them on the way out. */
const children = new Set<ChildProcess>();

// However the run ends, nothing it started outlives it.
process.on('exit', () => killAll());

/** SIGKILLs every process a stack started; safe from an exit handler. */
export function killAll(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    }
  }
}

function managed(
  name: string,
  role: Role,
  logFile: string,
  command: () => { bin: string; args: string[]; env?: NodeJS.ProcessEnv },
  ready: () => Promise<boolean>,
  readyBudgetMs: number,
): StackProcess {
  let child: ChildProcess | undefined;
  let starts = 0;
  let readyAt = 0;
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;
  return {
    name,
    role,
    logFile,
    pid: () => (alive() ? child!.pid : undefined),
    running: alive,
    starts: () => starts,
    readyAt: () => readyAt,
    async start() {
      if (alive()) throw new Error(`${name} is already running`);
      const { bin, args, env } = command();
      const out = openSync(logFile, 'a');
      const c = spawn(bin, args, { cwd: repoRoot, env: env ?? process.env, stdio: ['ignore', out, out] });
      closeSync(out);
      child = c;
      starts += 1;
      children.add(c);
      c.once('exit', () => children.delete(c));
      const exited = once(c, 'exit').then(() => false);
      await until(
        name,
        async () => {
          if (c.exitCode !== null || c.signalCode !== null) throw new Error(`${name} exited`);
          return Promise.race([ready(), exited]);
        },
        readyBudgetMs,
        logFile,
      );
      readyAt = Date.now();
    },
    async signal(signal = 'SIGKILL') {
      const c = child;
      if (!c || !alive()) return;
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
        c.kill(signal);
        return;
      }
      const exited = once(c, 'exit');
      c.kill('SIGCONT');
      c.kill(signal);
      await Promise.race([
        exited,
        sleep(20_000).then(() => {
          c.kill('SIGKILL');
          return exited;
        }),
      ]);
    },
  };
}

/** The `stop` of every stack being started or running: a signal must find it at any moment. */
const stopping = new Set<() => Promise<void>>();

/**
 * Stops every stack this process started or is starting (processes by pid, the tmpfs unmounted,
 * the work folder removed). What a Ctrl-C or SIGTERM calls, even in the middle of start-up.
 */
export async function stopAllStacks(): Promise<void> {
  await Promise.all([...stopping].map((stop) => stop()));
}

export async function startSoakStack(options: StackOptions): Promise<SoakStack> {
  const cleaned = await cleanStaleRuns();
  if (cleaned.length) console.warn(`[soak] removed what dead runs left: ${cleaned.join(', ')}`);
  const work = await mkdtemp(join(tmpdir(), WORK_PREFIX));
  await writeFile(join(work, OWNER_FILE), String(process.pid));
  const logs = join(work, 'logs');
  mkdirSync(logs, { recursive: true });
  const started: StackProcess[] = [];
  let volume: SmallVolume | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const p of [...started].reverse()) await p.signal(p.role === 'redis' ? 'SIGTERM' : 'SIGKILL');
      killAll();
      await volume?.close();
      // The processes' logs outlive the run, for whoever reads its figures.
      await rm(KEPT_LOGS, { recursive: true, force: true });
      await cp(logs, KEPT_LOGS, { recursive: true }).catch(() => undefined);
      await rm(work, { recursive: true, force: true });
      stopping.delete(stop);
    })());
  stopping.add(stop);
  try {
    // Under the work folder, so the next run finds it if this one dies without its cleanup.
    volume = await mountSmallVolume(options.volumeMiB, join(work, 'media'));
    // Redis: AOF fsynced every second and noeviction, as production runs it; restarts keep the data.
    const redisPort = await freePort();
    const redisDir = join(work, 'redis');
    mkdirSync(redisDir);
    const redis = managed(
      'redis',
      'redis',
      join(logs, 'redis.log'),
      () => ({
        bin: 'redis-server',
        args: [
          '--bind',
          '127.0.0.1',
          '--port',
          String(redisPort),
          '--dir',
          redisDir,
          '--save',
          '',
          '--appendonly',
          'yes',
          '--appendfsync',
          'everysec',
          '--maxmemory-policy',
          'noeviction',
        ],
      }),
      () => portOpen(redisPort),
      30_000,
    );
    await redis.start();
    started.push(redis);

    // The database: a mongod on PATH, else FerretDB (SQLite), its files kept across restarts.
    const dbPort = await freePort();
    const dbDir = join(work, 'db');
    mkdirSync(dbDir);
    const mongod = which('mongod');
    const database = managed(
      mongod ? 'mongod' : 'ferretdb',
      'database',
      join(logs, 'database.log'),
      () =>
        mongod
          ? { bin: mongod, args: ['--bind_ip', '127.0.0.1', '--port', String(dbPort), '--dbpath', dbDir] }
          : {
              bin: ensureFerretDB(),
              args: [
                '--handler=sqlite',
                `--sqlite-url=file:${dbDir}/`,
                `--state-dir=${dbDir}`,
                `--listen-addr=127.0.0.1:${dbPort}`,
                '--debug-addr=-',
                '--telemetry=disable',
                '--log-level=warn',
              ],
            },
      () => portOpen(dbPort),
      60_000,
    );
    await database.start();
    started.push(database);

    const env: Record<string, string> = {
      NODE_ENV: 'test',
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      REDIS_PREFIX: 'soak',
      MONGODB_URI: `mongodb://127.0.0.1:${dbPort}/`,
      MONGODB_DB: 'reelkit_soak',
      STORAGE: 'local',
      STORAGE_DIR: volume.dir,
      JWT_SECRET: 's'.repeat(48),
      PLAYBACK_KEYS: `k1:${'p'.repeat(48)}`,
      ACCESS_TOKEN_TTL_S: '7200',
      PLAYBACK_TOKEN_TTL_S: '3600',
      // Every client of the run is 127.0.0.1: per-IP limits would measure themselves.
      RATE_LIMIT_AUTH_IP_PER_MIN: '1000000',
      RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '1000000',
      RATE_LIMIT_IP_PER_MIN: '10000000',
      RATE_LIMIT_API_PER_MIN: '10000000',
      RATE_LIMIT_SOCKET_IP_PER_MIN: '1000000',
      STORAGE_FULL_RETRY_S: '5',
      X264_PRESET: 'ultrafast',
      HLS_SEGMENT_S: '2',
      LOCK_DURATION_MS: String(options.lockDurationMs),
    };
    const baseEnv = { ...process.env, ...env };

    const apiUrls: string[] = [];
    const apis: StackProcess[] = [];
    for (const role of ['api-a', 'api-b']) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      apiUrls.push(url);
      const api = managed(
        role,
        'api',
        join(logs, `${role}.log`),
        () => ({
          bin: process.execPath,
          args: [...NODE_ARGS, 'packages/server/src/main.ts'],
          env: {
            ...baseEnv,
            HOST: '127.0.0.1',
            PORT: String(port),
            PUBLIC_URL: url,
            STATE_DIR: join(work, `${role}-state`),
            LOG_LEVEL: 'warn',
          },
        }),
        async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok,
        START_BUDGET_MS,
      );
      apis.push(api);
    }
    await Promise.all(apis.map((a) => a.start()));
    started.push(...apis);

    const workers: StackProcess[] = [];
    for (const role of ['worker-1', 'worker-2']) {
      const logFile = join(logs, `${role}.log`);
      let seen = 0;
      const worker = managed(
        role,
        'worker',
        logFile,
        () => {
          // Ready is the next "worker ready" line after this start.
          seen = countReadyLines(logFile);
          return {
            bin: process.execPath,
            args: [...NODE_ARGS, 'packages/transcoder/src/main.ts'],
            env: {
              ...baseEnv,
              SCRATCH_DIR: join(work, `${role}-scratch`),
              STATE_DIR: join(work, `${role}-state`),
              LOG_LEVEL: 'info',
            },
          };
        },
        async () => countReadyLines(logFile) > seen,
        START_BUDGET_MS,
      );
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => w.start()));
    started.push(...workers);

    return {
      work,
      volume,
      apis,
      workers,
      redis,
      database,
      apiUrls,
      env,
      all: () => [...started],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function countReadyLines(logFile: string): number {
  try {
    return readFileSync(logFile, 'utf8').split('"msg":"worker ready"').length - 1;
  } catch {
    return 0;
  }
}
