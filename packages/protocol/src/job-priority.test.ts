import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JOB_PRIORITY, transcodePriority, type Plan } from './job-priority.js';

const plan = fc.constantFrom<Plan>('free', 'pro', 'enterprise');

describe('transcodePriority', () => {
  it("runs every org's first job before any org's second job, whatever the plans", () => {
    fc.assert(
      fc.property(plan, plan, fc.nat(10_000), (a, b, n) => {
        expect(transcodePriority(a, n)).toBeLessThan(transcodePriority(b, n + 1));
      }),
    );
  });

  it('puts enterprise before pro before free within a round', () => {
    for (const n of [0, 1, 7, 1000]) {
      expect(transcodePriority('enterprise', n)).toBeLessThan(transcodePriority('pro', n));
      expect(transcodePriority('pro', n)).toBeLessThan(transcodePriority('free', n));
    }
  });

  it('starts at 1 for an enterprise org with nothing waiting', () => {
    expect(transcodePriority('enterprise', 0)).toBe(1);
    expect(transcodePriority('free', 0)).toBe(3);
    expect(transcodePriority('free', 2)).toBe(9);
  });

  it("stays inside BullMQ's range for any input", () => {
    fc.assert(
      fc.property(plan, fc.oneof(fc.integer(), fc.double()), (p, n) => {
        const priority = transcodePriority(p, n);
        expect(Number.isInteger(priority)).toBe(true);
        expect(priority).toBeGreaterThanOrEqual(1);
        expect(priority).toBeLessThanOrEqual(MAX_JOB_PRIORITY);
      }),
    );
  });
});
