import { ReelkitError } from './reelkit-error.js';

/** Waits `ms`; rejects with an `aborted` {@link ReelkitError} as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ReelkitError('aborted', 'The operation was aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ReelkitError('aborted', 'The operation was aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
