// Load for tests that must hold on a busy machine: an ffmpeg encode on every core, bounded in
// time, stopped by its own process id.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface BusyCpu {
  /** Stops the encode and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts an x264 encode of a generated 720p picture to nowhere, for at most `maxSeconds`. */
export function busyCpu(maxSeconds = 600): BusyCpu {
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=1280x720:rate=30:duration=${maxSeconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-f',
      'null',
      '-',
    ],
    { stdio: 'ignore' },
  );
  const exited = once(child, 'exit');
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
