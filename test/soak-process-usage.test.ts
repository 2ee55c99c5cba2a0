import { describe, expect, it } from 'vitest';
import { parseRssMiB, readUsage } from '../bench/soak/process-usage.js';

describe('soak process usage', () => {
  it('parses VmRSS', () => {
    expect(parseRssMiB('Name:\tnode\nVmRSS:\t  204800 kB\nThreads:\t7\n')).toBe(200);
    expect(parseRssMiB('Name:\tnode\n')).toBeNaN();
  });

  it('reads this process from /proc', async () => {
    const usage = await readUsage(process.pid);
    expect(usage.fds).toBeGreaterThan(2);
    expect(usage.rssMiB).toBeGreaterThan(10);
  });
});
