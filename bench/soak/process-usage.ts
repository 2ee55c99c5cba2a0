// fds and RSS of a process from /proc, for the start/end "flat" figures of a soak run, and which
// descriptors they are: every link target, grouped by kind so a growth names its files.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { relative, sep } from 'node:path';

/** VmRSS of a /proc/<pid>/status text, in MiB; NaN when absent. */
export function parseRssMiB(status: string): number {
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) / 1024;
}

export interface Usage {
  /** Every open descriptor. */
  fds: number;
  /** Those that are not sockets: files, pipes, event fds. */
  fileFds: number;
  rssMiB: number;
  /** Link targets of the non-socket descriptors (`/proc/<pid>/fd/*`), sorted. */
  targets: string[];
}

export async function readUsage(pid: number): Promise<Usage> {
  const [fds, status] = await Promise.all([
    readdir(`/proc/${pid}/fd`),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  // '' is a descriptor closed between the listing and its readlink: not open any more.
  const open = links.filter((t) => t !== '');
  const targets = open.filter((t) => !t.startsWith('socket:')).sort();
  return { fds: open.length, fileFds: targets.length, rssMiB: parseRssMiB(status), targets };
}

/** Folders a soak run knows, to name the files its processes hold. */
export interface FdRoots {
  /** STORAGE_DIR: `<orgId>/<videoId>/<area>/…` below it. */
  storage: string;
  /** The run's work folder: logs, each process's state and scratch folders. */
  work: string;
  /** The repository (sources, node_modules). */
  repo: string;
}

const DELETED = ' (deleted)';

/**
 * What kind of descriptor a `/proc/<pid>/fd` link target is, short enough to count: `pipe`,
 * `anon_inode:[eventpoll]`, `storage hls` (a stored file, by the area of its video folder: `hls`,
 * `mp4`, `source`, `tus` parts…; `storage … temp` for a write not yet renamed into place),
 * `scratch`, `state`, `logs`, `repo`, `/dev/null`, another file's folder; prefixed `deleted` when
 * the file was unlinked while open.
 */
export function fdKind(target: string, roots: FdRoots): string {
  if (target.endsWith(DELETED)) return `deleted ${fdKind(target.slice(0, -DELETED.length), roots)}`;
  if (!target.startsWith('/')) return target.replace(/:\[\d+\]$/, ''); // pipe:[123], anon_inode:[eventfd]
  const under = (dir: string) => {
    const rel = relative(dir, target);
    return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel.split(sep) : undefined;
  };
  const stored = under(roots.storage);
  if (stored) {
    const temp = /\.[0-9a-f]{12}\.part$/;
    const area = stored.length >= 3 ? stored[2]!.replace(temp, '') : 'other';
    return `storage ${area}${temp.test(target) ? ' temp' : ''}`;
  }
  const worked = under(roots.work);
  if (worked) return worked[0]!.replace(/^(api|worker)-[^-]+-/, '');
  if (under(roots.repo)) return 'repo';
  if (target.startsWith('/dev/')) return target;
  return target.slice(0, target.lastIndexOf('/') + 1) || target;
}

/** Count of each kind of descriptor among `targets`. */
export function groupFds(targets: readonly string[], roots: FdRoots): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of targets) {
    const kind = fdKind(t, roots);
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}

/** end − start per kind, only the kinds that changed, largest growth first. */
export function fdGrowth(start: Record<string, number>, end: Record<string, number>): [string, number][] {
  const kinds = new Set([...Object.keys(start), ...Object.keys(end)]);
  return [...kinds]
    .map((k): [string, number] => [k, (end[k] ?? 0) - (start[k] ?? 0)])
    .filter(([, d]) => d !== 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** `storage hls +20, pipe −1`, or `none`. */
export function growthLine(growth: readonly [string, number][]): string {
  return growth.map(([k, d]) => `${k} ${d > 0 ? '+' : '−'}${Math.abs(d)}`).join(', ') || 'none';
}
