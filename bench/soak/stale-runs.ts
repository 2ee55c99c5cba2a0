// A soak run that died without its cleanup (kill -9, a crash of the machine's session) leaves its
// tmpfs mounted and its work folder behind. Each run writes its pid into its work folder; the next
// one unmounts and removes what belongs to a run whose process is gone. `staleRuns` is pure.
import { execFile } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Prefix of a soak run's work folder in the temp folder. */
export const WORK_PREFIX = 'reelkit-soak-';
/** The file in a work folder that names the run's pid. */
export const OWNER_FILE = 'owner.pid';

export interface RunFolder {
  /** Absolute path of the work folder. */
  work: string;
  /** The pid its owner file names, undefined when it has none (yet). */
  pid: number | undefined;
}

/**
 * The work folders of dead runs, and the mount points under them (from `/proc/mounts` text).
 * A folder with no owner file is left alone: a run writes it right after creating the folder, so
 * such a folder is a run starting now.
 */
export function staleRuns(
  folders: readonly RunFolder[],
  mountsText: string,
  alive: (pid: number) => boolean,
): { work: string; mounts: string[] }[] {
  const mountPoints = mountsText
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((m): m is string => !!m)
    // /proc/mounts escapes spaces and the like as octal; work folders have none.
    .map((m) => m.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  return folders
    .filter((f) => f.pid !== undefined && !alive(f.pid))
    .map((f) => ({ work: f.work, mounts: mountPoints.filter((m) => m.startsWith(`${f.work}/`)) }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Unmounts and removes what dead soak runs left in the temp folder; returns their work folders. */
export async function cleanStaleRuns(): Promise<string[]> {
  const base = tmpdir();
  const names = (await readdir(base).catch(() => [] as string[])).filter((n) => n.startsWith(WORK_PREFIX));
  const folders: RunFolder[] = await Promise.all(
    names.map(async (n) => {
      const work = join(base, n);
      const text = await readFile(join(work, OWNER_FILE), 'utf8').catch(() => '');
      const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
      return { work, pid };
    }),
  );
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  const stale = staleRuns(folders, mounts, isAlive);
  const run = promisify(execFile);
  for (const s of stale) {
    for (const m of s.mounts) await run('umount', ['-l', m]).catch(() => undefined);
    await rm(s.work, { recursive: true, force: true });
  }
  return stale.map((s) => s.work);
}
