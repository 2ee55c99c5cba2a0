import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { periodicTask } from './periodic-task.js';

const logger = createLogger({ level: 'silent', name: 'periodic-test' });

describe('periodicTask', () => {
  it('shares one run between concurrent callers, and runs again afterwards', async () => {
    let runs = 0;
    let release!: () => void;
    const task = periodicTask({
      name: 'chore',
      everyMs: 60_000,
      logger,
      run: () => new Promise<number>((resolve) => (release = () => resolve(++runs))),
    });
    const a = task.run();
    const b = task.run();
    release();
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    const c = task.run();
    release();
    expect(await c).toBe(2);
  });

  it('runs at start and on its interval, survives a failed run, and stops on close', async () => {
    let runs = 0;
    const task = periodicTask({
      name: 'chore',
      everyMs: 20,
      logger,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('first run fails');
      },
    });
    task.start();
    task.start(); // idempotent
    await new Promise((r) => setTimeout(r, 110));
    await task.close();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(after);
  });
});
