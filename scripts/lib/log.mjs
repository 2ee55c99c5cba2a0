// Console output for the set-up scripts: short steps, and failures that say what is missing and how to get it.
const tty = process.stdout.isTTY;
const paint = (code, s) => (tty ? `\u001b[${code}m${s}\u001b[0m` : s);

export function step(message) {
  console.log(`${paint('36', '›')} ${message}`);
}

export function ok(message) {
  console.log(`${paint('32', '✓')} ${message}`);
}

export class SetupError extends Error {
  /** @param {string} what what is missing or wrong @param {string} how how to get it */
  constructor(what, how) {
    super(`${what}\n  how to fix: ${how}`);
    this.name = 'SetupError';
  }
}

/** Run a set-up step; a SetupError ends the process with exit code 1 and its message. */
export async function runOrExit(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SetupError) {
      console.error(`${paint('31', '✗')} ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
