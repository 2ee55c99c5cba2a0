// `npm start` on a fresh clone installs with `npm ci`, which refuses a lockfile that does not match
// the manifests — including an optional dependency of a dependency that the lockfile forgot (vite 8's
// Windows-only `napi-windows-process-start-time` once was). `npm ci --dry-run` checks exactly that
// without touching node_modules.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/processes.js';

describe('package-lock.json', () => {
  it('is in sync with every package.json, so `npm ci` installs from it', () => {
    const res = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const errors = res.stderr
      .split('\n')
      .filter((l) => l.startsWith('npm error') && !l.includes('EBADENGINE'))
      .slice(0, 5)
      .join('\n');
    expect(errors, 'npm ci --dry-run refused the lockfile').toBe('');
    expect(res.status).toBe(0);
  });
});
