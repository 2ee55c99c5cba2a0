import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { periodicTask } from './periodic-task.js';

/** A started task named 'chore' whose first run waits until the test makes it fail; its log lines are kept. */
function startChore() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  let fail!: (err: Error) => void;
  const task = periodicTask({
    name: 'chore',
    everyMs: 60_000,
    logger,
    run: () => new Promise<void>((_, reject) => (fail = reject)),
  });
  task.start();
  return { task, lines, fail: (message: string) => fail(new Error(message)) };
}
const aTurn = () => new Promise((r) => setImmediate(r));

describe('periodicTask', () => {
  it('logs a failed run as a warning while it runs', async () => {
    const { task, lines, fail } = startChore();
    fail('database went away');
    await aTurn();
    await task.close();
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'chore failed' }));
  });

  it('treats a run cut by close() as part of stopping, not as a failure', async () => {
    const { task, lines, fail } = startChore();
    const closed = task.close();
    // The shutdown cuts the connection the run was waiting on.
    fail('Connection is closed.');
    await closed;
    await aTurn();
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 20, msg: 'chore stopped by the shutdown' }),
    );
  });
});
