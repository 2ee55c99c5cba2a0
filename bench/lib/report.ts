// Shared by the benchmarks: run wrk and parse it, describe the machine, and replace one section
// of docs/benchmarks.md (each benchmark owns the section under its `## ` heading).
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WrkResult {
  requestsPerSec: number;
  /** Requests completed in the run. */
  requests: number;
  mibPerSec: number;
  p50: string;
  p99: string;
  non2xx: number;
}

/** `wrk --latency` against a URL; throws if wrk is missing or fails. */
export function runWrk(
  url: string,
  options: {
    seconds: number;
    connections: number;
    threads?: number;
    script?: string;
    /** Run wrk on this CPU only (`taskset -c`), e.g. to keep it off the servers' core. */
    cpu?: number;
  },
): WrkResult {
  const args = [
    `-t${options.threads ?? 1}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--latency',
  ];
  if (options.script) args.push('-s', options.script);
  const res =
    options.cpu === undefined
      ? spawnSync('wrk', [...args, url], { encoding: 'utf8' })
      : spawnSync('taskset', ['-c', String(options.cpu), 'wrk', ...args, url], { encoding: 'utf8' });
  if (res.error || res.status !== 0)
    throw new Error(`wrk failed (apt-get install wrk): ${res.error?.message ?? res.stderr}`);
  const out = res.stdout;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const unit: Record<string, number> = { B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024 };
  return {
    requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    mibPerSec: transfer ? Number(transfer[1]) * (unit[transfer[2]!] ?? 1) : NaN,
    p50: /^\s*50%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    p99: /^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) || 0,
  };
}

export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average at the end ${load}`;
}

/**
 * Replaces the section that starts with `heading` (a `## ` line) up to the next `## ` heading, or
 * appends it. Other benchmarks' sections are left as they are.
 */
export async function writeBenchmarkSection(
  heading: string,
  body: string,
  file = 'docs/benchmarks.md',
): Promise<void> {
  const path = join(repoRoot, file);
  let doc: string;
  try {
    doc = await readFile(path, 'utf8');
  } catch {
    doc =
      '# Benchmarks\n\nMeasured numbers, one section per benchmark; each benchmark rewrites only its own section.\n';
  }
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = doc.indexOf(`${heading}\n`);
  if (start === -1) {
    doc = `${doc.trimEnd()}\n\n${section}`;
  } else {
    const next = doc.indexOf('\n## ', start + heading.length);
    doc = `${doc.slice(0, start)}${section}${next === -1 ? '' : `\n${doc.slice(next + 1)}`}`;
  }
  // Formatted like the rest of the repository, so `npm test`'s prettier check stays green.
  const prettier = await import('prettier');
  const formatted = await prettier.format(doc, {
    ...(await prettier.resolveConfig(path)),
    parser: 'markdown',
  });
  await writeFile(path, formatted);
}

/**
 * Redis, the database (and the test S3 store) the way `npm test` runs them, started if need be;
 * returns their environment (`REDIS_URL`, `MONGODB_URI`, …). Benchmarks use their own database name
 * and Redis prefix on top.
 */
export function testServices(
  profile: 'test' | 'dev' = 'test',
): { REDIS_URL: string; MONGODB_URI: string } & Record<string, string> {
  const up = spawnSync(process.execPath, ['scripts/services.mjs', 'up', '--profile', profile, '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (up.status !== 0) throw new Error('could not start Redis and the database (see above)');
  return JSON.parse(up.stdout) as { REDIS_URL: string; MONGODB_URI: string } & Record<string, string>;
}

/**
 * The environment of a benchmark's server child: the dev services, a database and Redis prefix of
 * the run's own, storage and state in a fresh temp folder (`work`, for the caller to remove), and
 * uploads up to 8 GiB.
 */
export async function benchServerEnv(
  label: string,
): Promise<{ work: string; storageDir: string; env: Record<string, string | undefined> }> {
  const stack = testServices('dev');
  const work = await mkdtemp(join(tmpdir(), `reelkit-bench-${label}-`));
  const runId = Date.now().toString(36);
  const storageDir = join(work, 'storage');
  await mkdir(storageDir, { recursive: true });
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...stack,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    MONGODB_DB: `reelkit_bench_${runId}`,
    REDIS_PREFIX: `reelkit-bench-${runId}`,
    STORAGE_DIR: storageDir,
    STATE_DIR: join(work, 'state'),
    MAX_UPLOAD_BYTES: String(8 * 1024 * 1024 * 1024),
  };
  return { work, storageDir, env };
}

/** Drops what a benchmark's server made: its database, its Redis keys and its temp folder. */
export async function removeBenchState(env: Record<string, string | undefined>, work: string): Promise<void> {
  const mongoose = (await import('mongoose')).default;
  const conn = await mongoose.createConnection(env.MONGODB_URI!, { dbName: env.MONGODB_DB }).asPromise();
  await conn.dropDatabase();
  await conn.close();
  const { Redis } = await import('ioredis');
  const redis = new Redis(env.REDIS_URL!);
  const keys = await redis.keys(`${env.REDIS_PREFIX!}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await rm(work, { recursive: true, force: true });
}
