// CPU time of processes the S3 benchmarks watch: the server under test and the store beside it.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** User + system CPU milliseconds a process has used so far (`/proc/<pid>/stat` fields 14–15). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * User + system CPU milliseconds of this process's children that have exited and been waited for
 * (`cutime` + `cstime`): a `spawnSync`ed load generator's (wrk's) CPU, read before and after it.
 */
export function waitedChildrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/**
 * SeaweedFS's process (the test store's `weed-v…` binary), if this machine runs one: it shares the
 * cores with what is measured, so its CPU per unit of work is reported beside the server's. With
 * `s3Port`, the one serving S3 on that port (a machine may run several, `REELKIT_S3_PORT`).
 */
export function seaweedPid(s3Port?: number): number | undefined {
  const pattern = s3Port === undefined ? 'weed-v' : `weed-v.* -s3\\.port=${s3Port}( |$)`;
  try {
    const pid = Number(execFileSync('pgrep', ['-of', pattern], { encoding: 'utf8' }).trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The processes of an nginx started by `startNginx` (its folder `dir`): master and workers. */
export async function nginxPids(dir: string): Promise<{ master: number; workers: number[] }> {
  const master = Number((await readFile(join(dir, 'nginx.pid'), 'utf8')).trim());
  const children = (await readFile(`/proc/${master}/task/${master}/children`, 'utf8')).trim().split(/\s+/);
  const workers: number[] = [];
  for (const pid of children.filter(Boolean).map(Number)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('worker process')) workers.push(pid);
  }
  return { master, workers };
}

/** Moves every thread of `pid` onto `cpus` (a `taskset` list such as "1" or "0-1"). */
export function pin(pid: number, cpus: string): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset ${pid}: ${r.stderr}`);
}

/** The CPUs `pid` may run on, as a `taskset` list ("0-1"), to give back to {@link pin} afterwards. */
export function cpuList(pid: number): string {
  const r = spawnSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  const list = /:\s*(\S+)\s*$/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !list) throw new Error(`taskset ${pid}: ${r.stderr}`);
  return list;
}

/** Whether processes can be pinned to CPUs here (`taskset` and at least two of them). */
export function canPin(): boolean {
  return !spawnSync('taskset', ['-V']).error && cpus().length >= 2;
}
