import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: Record<'mongodb' | 'redis' | 'ffprobe', DependencyCheck>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function timed(fn: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

/** Finds an executable by name on PATH, or checks an absolute path. */
export async function findExecutable(command: string, path = ''): Promise<string> {
  const candidates = isAbsolute(command)
    ? [command]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(`${command} not found${isAbsolute(command) ? '' : ' on PATH'}`);
}

export interface ReadinessDeps {
  db: Connection;
  redis: Redis;
  ffprobePath: string;
  /** PATH to search for ffprobe when it is not absolute. */
  searchPath?: string;
  timeoutMs?: number;
}

/** Pings MongoDB and Redis and looks for ffprobe, in parallel, each bounded by a timeout. */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeout = deps.timeoutMs ?? 1500;
  const [mongodb, redis, ffprobe] = await Promise.all([
    timed(async () => {
      const db = deps.db.db;
      // The ping decides: mongoose's readyState can lag a driver that reconnected (see watchDatabase).
      if (!db) throw new Error('not connected');
      await withTimeout(db.admin().ping(), timeout, 'MongoDB');
    }),
    timed(() => withTimeout(deps.redis.ping(), timeout, 'Redis')),
    timed(() => findExecutable(deps.ffprobePath, deps.searchPath)),
  ]);
  return { ok: mongodb.ok && redis.ok && ffprobe.ok, checks: { mongodb, redis, ffprobe } };
}
