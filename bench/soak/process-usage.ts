// fds and RSS of a process from /proc, for the start/end "flat" figures of a soak run.
import { readFile, readdir, readlink } from 'node:fs/promises';

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
}

export async function readUsage(pid: number): Promise<Usage> {
  const [fds, status] = await Promise.all([
    readdir(`/proc/${pid}/fd`),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  const sockets = targets.filter((t) => t.startsWith('socket:')).length;
  return { fds: fds.length, fileFds: fds.length - sockets, rssMiB: parseRssMiB(status) };
}
