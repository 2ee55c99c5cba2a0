// Runs ffmpeg for transcodes. We spawn the binary directly with an argument array rather than go
// through a wrapper library (probe.ts does the same for ffprobe): we need an
// AbortSignal that kills the process (SIGTERM, then SIGKILL after a grace period), the raw
// `-progress` lines on stdout and the tail of stderr for the error message.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** ffmpeg failed: non-zero exit or killed by a signal. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** Options of {@link runFfmpeg}. */
export interface RunFfmpegOptions {
  /** Executable, e.g. `ffmpeg` on PATH. */
  ffmpegPath: string;
  args: readonly string[];
  /** Aborting kills ffmpeg; the promise then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called with each line ffmpeg writes to stdout (`-progress pipe:1`). */
  onStdoutLine?: (line: string) => void;
  /** How long ffmpeg gets to exit after SIGTERM before SIGKILL. */
  killGraceMs?: number;
}

// If the worker dies without a chance to kill ffmpeg (kill -9, OOM), ffmpeg would run on as an
// orphan: it ignores SIGPIPE and a closed stdin. setpriv (util-linux, on every Debian) asks the
// kernel to SIGKILL it when its parent dies; elsewhere we run ffmpeg directly.
const SETPRIV = '/usr/bin/setpriv';
let useSetpriv: boolean | undefined;

const STDERR_TAIL = 4000;

/**
 * Runs ffmpeg to completion. Resolves on exit 0 with the tail of its stderr; rejects with
 * {@link FfmpegError} otherwise.
 */
export function runFfmpeg(options: RunFfmpegOptions): Promise<{ stderr: string }> {
  const { signal, killGraceMs = 1000 } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  useSetpriv ??= process.platform === 'linux' && existsSync(SETPRIV);
  const [command, args] = useSetpriv
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', options.ffmpegPath, ...options.args]]
    : [options.ffmpegPath, [...options.args]];

  return new Promise<{ stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-STDERR_TAIL);
    });
    if (options.onStdoutLine) {
      const onLine = options.onStdoutLine;
      createInterface({ input: child.stdout }).on('line', (line) => onLine(line));
    } else {
      child.stdout.resume();
    }
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, sig) => {
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason as Error);
      else if (code === 0) resolve({ stderr });
      else {
        const tail = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
        const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
        reject(new FfmpegError(`ffmpeg ${how}${tail ? `: ${tail}` : ''}`, code, sig, stderr));
      }
    });
  });
}
