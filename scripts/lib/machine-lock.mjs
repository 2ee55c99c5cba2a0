// A lock shared by every process on the machine: a file created exclusively (`wx`) holding its
// holder's pid. A lock whose holder died is taken over. Set-ups of several clones at once (two test
// runs, `npm start` beside `npm test`) use it where only one may act: building a binary once,
// starting the one SeaweedFS on a port.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Takes the lock if it is free (or its holder died): `null`, or the pid of the live holder. */
function tryLock(path) {
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return null;
    } catch {
      let holder;
      try {
        holder = Number(readFileSync(path, 'utf8'));
      } catch {
        continue; // just released: try again
      }
      if (holder === process.pid) return null;
      try {
        if (holder > 0) {
          process.kill(holder, 0);
          return holder;
        }
      } catch {
        // its holder died
      }
      rmSync(path, { force: true });
    }
  }
}

/**
 * Runs `fn` holding the lock at `path`, waiting for another holder first (`onWait(pid)` is called
 * once when it has to wait, e.g. to say so).
 * @template T
 * @param {string} path
 * @param {() => Promise<T>} fn
 * @param {(holder: number) => void} [onWait]
 * @returns {Promise<T>}
 */
export async function withMachineLock(path, fn, onWait) {
  let told = false;
  for (let holder = tryLock(path); holder !== null; holder = tryLock(path)) {
    if (!told) onWait?.(holder);
    told = true;
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * `withMachineLock` for synchronous work (the set-up's binary builds): waits by blocking, re-checking
 * every `pollMs`. `skip()` is asked after each wait, so a waiter whose work the holder did returns it.
 * @template T
 * @param {string} path
 * @param {() => T} fn
 * @param {{ onWait?: (holder: number) => void, skip?: () => T | undefined, pollMs?: number }} [options]
 * @returns {T}
 */
export function withMachineLockSync(path, fn, { onWait, skip, pollMs = 5_000 } = {}) {
  let told = false;
  for (let holder = tryLock(path); holder !== null; holder = tryLock(path)) {
    if (!told) onWait?.(holder);
    told = true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pollMs);
    const done = skip?.();
    if (done !== undefined) return done;
  }
  try {
    // The holder may have finished between the last check and taking the lock.
    const done = told ? skip?.() : undefined;
    return done !== undefined ? done : fn();
  } finally {
    rmSync(path, { force: true });
  }
}
