import { open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseRssMiB, readUsage } from '../bench/soak/process-usage.js';

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
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const file = await open(process.execPath, 'r');
    try {
      const after = await readUsage(process.pid);
      expect(after.fds - before.fds).toBeGreaterThanOrEqual(2);
      expect(after.fileFds - before.fileFds).toBeGreaterThanOrEqual(1);
      expect(after.fds - after.fileFds).toBeGreaterThan(before.fds - before.fileFds);
    } finally {
      await file.close();
      server.close();
    }
  });
});
