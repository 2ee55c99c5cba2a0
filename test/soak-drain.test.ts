// The pure parts of the soak's end and start: when the drain is over, and which leftovers of
// dead runs the next run removes.
import { describe, expect, it } from 'vitest';
import { drainStep, type DrainState } from '../bench/soak/drain.js';
import { staleRuns } from '../bench/soak/stale-runs.js';

const bounds = { quietMs: 60_000, budgetMs: 300_000 };
const at = (ms: number, open: number, pending: number, settled: number) => ({
  at: ms,
  state: { open, pending, settled } satisfies DrainState,
});

describe('drainStep', () => {
  it('is done once no video is open and no job pending', () => {
    expect(drainStep([at(0, 2, 2, 10), at(2000, 0, 0, 12)], bounds)).toBe('done');
  });

  it('waits while the queue still moves, however long a busy machine takes', () => {
    const seen = Array.from({ length: 100 }, (_, i) => at(i * 2000, 1, 1, 10 + Math.floor(i / 20)));
    expect(seen.at(-1)!.at).toBeGreaterThan(bounds.quietMs);
    expect(drainStep(seen, bounds)).toBe('wait');
  });

  it('waits on a pending job even when every video already looks final', () => {
    expect(drainStep([at(0, 0, 1, 10)], bounds)).toBe('wait');
  });

  it('gives up after a quiet spell with nothing changing', () => {
    const seen = [at(0, 1, 1, 10), at(10_000, 1, 1, 11), at(69_000, 1, 1, 11)];
    expect(drainStep(seen, bounds)).toBe('wait');
    expect(drainStep([...seen, at(70_000, 1, 1, 11)], bounds)).toBe('gave-up');
  });

  it('gives up past the overall budget even while things change', () => {
    expect(drainStep([at(299_000, 1, 1, 10), at(300_000, 1, 1, 11)], bounds)).toBe('gave-up');
  });
});

describe('staleRuns', () => {
  const mounts = [
    'tmpfs /tmp/reelkit-soak-dead/media tmpfs rw,relatime,size=262144k 0 0',
    'tmpfs /tmp/reelkit-soak-live/media tmpfs rw,relatime,size=262144k 0 0',
    'tmpfs /tmp/reelkit-small-volume-x tmpfs rw 0 0',
    '',
  ].join('\n');
  const alive = (pid: number) => pid === 2;

  it('unmounts and removes the folders of runs whose process is gone, and only theirs', () => {
    expect(
      staleRuns(
        [
          { work: '/tmp/reelkit-soak-dead', pid: 1 },
          { work: '/tmp/reelkit-soak-live', pid: 2 },
          { work: '/tmp/reelkit-soak-empty', pid: 3 },
        ],
        mounts,
        alive,
      ),
    ).toEqual([
      { work: '/tmp/reelkit-soak-dead', mounts: ['/tmp/reelkit-soak-dead/media'] },
      { work: '/tmp/reelkit-soak-empty', mounts: [] },
    ]);
  });

  it('leaves alone a folder without an owner yet (a run starting now)', () => {
    expect(staleRuns([{ work: '/tmp/reelkit-soak-new', pid: undefined }], mounts, alive)).toEqual([]);
  });
});
