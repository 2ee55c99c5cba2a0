import { open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  fdGrowth,
  fdKind,
  groupFds,
  growthLine,
  parseRssMiB,
  readUsage,
} from '../bench/soak/process-usage.js';

const roots = { storage: '/tmp/run/media', work: '/tmp/run', repo: '/work/reelkit' };
const video = '/tmp/run/media/6b0ea44c70d48f4318ab7049/6b0ea44c70d48f4318ab704a';

describe('soak process usage', () => {
  it('parses VmRSS', () => {
    expect(parseRssMiB('Name:\tnode\nVmRSS:\t  204800 kB\nThreads:\t7\n')).toBe(200);
    expect(parseRssMiB('Name:\tnode\n')).toBeNaN();
  });

  it('reads this process from /proc, telling sockets from other descriptors', async () => {
    const before = await readUsage(process.pid);
    expect(before.fds).toBeGreaterThan(2);
    expect(before.fileFds).toBeLessThanOrEqual(before.fds);
    expect(before.rssMiB).toBeGreaterThan(10);
    // The test's worker may open or close descriptors of its own meanwhile (a log file, a
    // socket): the file is told by its path, and four listening sockets leave room for that.
    const servers = Array.from({ length: 4 }, () => createServer());
    for (const server of servers)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const file = await open(process.execPath, 'r');
    try {
      const after = await readUsage(process.pid);
      const held = (u: typeof before) => u.targets.filter((t) => t === process.execPath).length;
      expect(held(after) - held(before)).toBe(1);
      const sockets = (u: typeof before) => u.fds - u.fileFds;
      expect(sockets(after) - sockets(before)).toBeGreaterThanOrEqual(2);
    } finally {
      await file.close();
      for (const server of servers) server.close();
    }
  });

  it('names each kind of descriptor a soak process may hold', () => {
    expect(fdKind('pipe:[4812]', roots)).toBe('pipe');
    expect(fdKind('anon_inode:[eventpoll]', roots)).toBe('anon_inode:[eventpoll]');
    expect(fdKind(`${video}/hls/240p/seg_00003.m4s`, roots)).toBe('storage hls');
    expect(fdKind(`${video}/tus/0-a1b2c3d4/data`, roots)).toBe('storage tus');
    expect(fdKind(`${video}/source`, roots)).toBe('storage source');
    expect(fdKind(`${video}/source.0123456789ab.part`, roots)).toBe('storage source temp');
    expect(fdKind(`${video}/mp4/240p.mp4 (deleted)`, roots)).toBe('deleted storage mp4');
    expect(fdKind('/tmp/run/worker-1-scratch/job/out.mp4', roots)).toBe('scratch');
    expect(fdKind('/tmp/run/api-b-state/x', roots)).toBe('state');
    expect(fdKind('/tmp/run/logs/api-b.log', roots)).toBe('logs');
    expect(fdKind('/work/reelkit/node_modules/x.node', roots)).toBe('repo');
    expect(fdKind('/dev/null', roots)).toBe('/dev/null');
    expect(fdKind('/tmp/reelkit-dub-x/a.wav', roots)).toBe('/tmp/reelkit-dub-x/');
    expect(fdKind('/tmp/runner/x', roots)).toBe('/tmp/runner/');
  });

  it('groups descriptors by kind and says which kinds grew or shrank', () => {
    const start = groupFds(['pipe:[1]', 'pipe:[2]', '/dev/null', 'anon_inode:[eventfd]'], roots);
    expect(start).toEqual({ pipe: 2, '/dev/null': 1, 'anon_inode:[eventfd]': 1 });
    const end = groupFds(
      [
        'pipe:[1]',
        '/dev/null',
        'anon_inode:[eventfd]',
        `${video}/hls/a`,
        `${video}/hls/b`,
        `${video}/tus/1/data`,
      ],
      roots,
    );
    const growth = fdGrowth(start, end);
    expect(growth).toEqual([
      ['storage hls', 2],
      ['storage tus', 1],
      ['pipe', -1],
    ]);
    expect(growthLine(growth)).toBe('storage hls +2, storage tus +1, pipe −1');
    expect(growthLine(fdGrowth(start, start))).toBe('none');
  });

  it('lists the targets of this process, sockets left out', async () => {
    const file = await open(process.execPath, 'r');
    try {
      const usage = await readUsage(process.pid);
      expect(usage.targets).toContain(process.execPath);
      expect(usage.targets.some((t) => t.startsWith('socket:'))).toBe(false);
      expect(usage.targets).toHaveLength(usage.fileFds);
    } finally {
      await file.close();
    }
  });
});
