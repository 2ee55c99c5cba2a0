// The worker's local scratch space. Storage is the only door to media; ffmpeg needs files, so each
// job gets a folder here for the source copy and ffmpeg's output until they are published.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

const OWNER = /^w-(\d+)$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `<root>/w-<pid>/` for this worker process, empty. Several workers on one machine may
 * share `root` (the default is one folder in the OS temp dir), so each works below its own pid,
 * and the folders of processes that are gone (a worker killed mid-job) are removed here.
 */
export async function claimScratchFolder(root: string, logger: Logger): Promise<string> {
  await mkdir(root, { recursive: true });
  for (const name of await readdir(root)) {
    const pid = OWNER.exec(name)?.[1];
    if (pid === undefined || (Number(pid) !== process.pid && alive(Number(pid)))) continue;
    await rm(join(root, name), { recursive: true, force: true });
    logger.info({ folder: name }, 'removed a scratch folder left behind');
  }
  const mine = join(root, `w-${process.pid}`);
  await mkdir(mine, { recursive: true });
  return mine;
}
