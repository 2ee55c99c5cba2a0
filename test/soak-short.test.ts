// The short soak-and-fault run (issue 21 item 6): the whole stack on loopback — its own Redis (AOF),
// database, two APIs and two workers on a small tmpfs — under viewers, uploaders, socket crowds and
// hostile traffic for about two minutes while a worker and an API are killed -9, Redis and the
// database restart, the disk fills up and a worker is paused. Nothing may be lost or stuck, 5xx only
// inside the fault windows (and then only coded 503s), descriptors and memory flat.
import { describe, expect, it } from 'vitest';
import { soakMarkdown } from '../bench/soak/report.js';
import { SHORT, runSoak } from '../bench/soak/run-soak.js';

describe('soak (short)', () => {
  it(
    'keeps serving through every fault with nothing lost or stuck',
    async () => {
      const lines: string[] = [];
      const report = await runSoak({ ...SHORT, log: (line) => lines.push(line) });
      const summary = `${soakMarkdown(report, 'CI')}\n\nlog:\n${lines.join('\n')}`;
      expect(report.verdict.reasons, summary).toEqual([]);
      expect(report.verdict.pass).toBe(true);
      // The run did what it says: traffic in every phase, uploads through to ready, every fault.
      expect(report.faults.map((f) => f.name)).toHaveLength(6);
      for (const phase of report.phases)
        expect(phase.segments, `${phase.name}\n${summary}`).toBeGreaterThan(0);
      expect(report.uploads.identical, summary).toBeGreaterThan(0);
      expect(report.uploads.lost, summary).toEqual([]);
      expect(report.videos.ready, summary).toBeGreaterThan(0);
      expect(report.videos.stuck, summary).toEqual([]);
      expect(report.sockets.clients).toBe(SHORT.sockets);
      expect(report.sockets.missed, summary).toBe(0);
      expect(report.hostile.sent, summary).toBeGreaterThan(0);
    },
    15 * 60_000,
  );
});
