// Spawning the project's own tools with node_modules/.bin on PATH.
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { root } from './paths.mjs';

export function toolEnv(extra = {}) {
  return {
    ...process.env,
    ...extra,
    PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  };
}

/** Runs a command to completion with inherited stdio; resolves with its exit code. */
export function runTool(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: toolEnv(env), stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Arguments that run a TypeScript entry point of a workspace package from source. */
export function tsEntry(file) {
  return ['--conditions=source', '--import', 'tsx', join(root, file)];
}
