import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, statfs, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small tmpfs of the test's own, to fill to ENOSPC. Needs root (tests run as root). */
export interface SmallVolume {
  dir: string;
  /** Bytes free for a writer now. */
  free(): Promise<number>;
  /** Fills the volume until `leaveBytes` (rounded to pages) are free; `unfill()` gives it back. */
  fill(leaveBytes: number): Promise<void>;
  unfill(): Promise<void>;
  /** Unmounts and removes the mount point; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Mounts a `sizeMiB` tmpfs on a fresh folder: `at` (created here) when given, so whoever owns the
 * parent can find and unmount it after a crash, else a temp folder of its own.
 */
export async function mountSmallVolume(sizeMiB = 8, at?: string): Promise<SmallVolume> {
  const dir = at ?? (await mkdtemp(join(tmpdir(), 'reelkit-small-volume-')));
  if (at) await mkdir(at);
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir]);
  const filler = join(dir, '.filler');
  let mounted = true;
  const free = async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    async fill(leaveBytes) {
      const take = (await free()) - leaveBytes;
      if (take <= 0) return;
      const f = await open(filler, 'a');
      try {
        const chunk = Buffer.alloc(64 * 1024, 1);
        for (let left = take; left > 0; left -= chunk.length)
          await f.write(left >= chunk.length ? chunk : chunk.subarray(0, left));
      } catch (err) {
        // Others writing meanwhile filled it first: it is full, which is what was asked.
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        await f.close();
      }
    },
    async unfill() {
      await unlink(filler).catch(() => undefined);
    },
    async close() {
      if (!mounted) return;
      mounted = false;
      // Lazy: a server that still holds a descriptor must not keep the mount (or the test) alive.
      await run('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
