import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { periodicTask } from './periodic-task.js';

/** A pino logger whose lines are kept, parsed, for the test to read. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('periodicTask', () => {
  it('logs a failed run as a warning while it runs', async () => {
    const { logger, lines } = recordingLogger();
    let fail!: (err: Error) => void;
    const task = periodicTask({
      name: 'chore',
      everyMs: 60_000,
      logger,
      run: () => new Promise<void>((_, reject) => (fail = reject)),
    });
    task.start();
    fail(new Error('database went away'));
    await new Promise((r) => setImmediate(r));
    await task.close();
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'chore failed' }));
  });

  it('treats a run cut by close() as part of stopping, not as a failure', async () => {
    const { logger, lines } = recordingLogger();
    let fail!: (err: Error) => void;
    const task = periodicTask({
      name: 'chore',
      everyMs: 60_000,
      logger,
      run: () => new Promise<void>((_, reject) => (fail = reject)),
    });
    task.start();
    const closed = task.close();
    // The shutdown cuts the connection the run was waiting on.
    fail(new Error('Connection is closed.'));
    await closed;
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 20, msg: 'chore stopped by the shutdown' }),
    );
  });
});
