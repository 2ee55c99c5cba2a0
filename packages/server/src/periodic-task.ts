import type { Logger } from './logger.js';

/**
 * A background chore that runs at start and then every `everyMs` (sweepers, janitors). Concurrent
 * runs share one; a failed run is logged and the next one tries again; the timer never keeps the
 * process alive; `close()` stops it and waits for a run in progress.
 */
export function periodicTask<T>(options: {
  name: string;
  everyMs: number;
  logger: Logger;
  run: () => Promise<T>;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;
  let closing = false;
  /** One run now (or the one in progress). */
  const run = (): Promise<T> => {
    running ??= options.run().finally(() => (running = undefined));
    return running;
  };
  return {
    run,
    start(): void {
      if (timer) return;
      closing = false;
      const tick = () => {
        run().catch((err: unknown) => {
          // A run cut by close() (its connections shut under it) is part of stopping, not a fault.
          if (closing) options.logger.debug({ err }, `${options.name} stopped by the shutdown`);
          else options.logger.warn({ err }, `${options.name} failed`);
        });
      };
      tick();
      timer = setInterval(tick, options.everyMs);
      timer.unref();
    },
    async close(): Promise<void> {
      closing = true;
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
