// Installs what the stack needs and is missing: npm packages, Debian packages (when root), FerretDB
// and SeaweedFS.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  readFileSync,
  readdirSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { cacheDir, root } from './paths.mjs';
import { SetupError, ok, step } from './log.mjs';
import { withMachineLockSync } from './machine-lock.mjs';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** Absolute path of an executable on PATH, or undefined. */
export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, cmd);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function run(cmd, args, opts = {}) {
  // Child output goes to stderr so a caller's stdout (e.g. `services.mjs up --json`) stays clean.
  const res = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

/**
 * Installs npm packages when the lockfile or any package.json changed since the last install
 * (a hash of them is kept in node_modules): `npm ci` on a fresh clone, `npm install` otherwise.
 */
export function ensureNodeModules() {
  const files = ['package.json', 'package-lock.json'];
  for (const pkg of readdirSync(join(root, 'packages'))) files.push(join('packages', pkg, 'package.json'));
  const hash = createHash('sha256');
  for (const f of files) {
    try {
      hash.update(f).update(readFileSync(join(root, f)));
    } catch {
      // a package without a manifest is not a workspace
    }
  }
  const digest = hash.digest('hex');
  const stamp = join(root, 'node_modules', '.reelkit-install');
  let previous = '';
  try {
    previous = readFileSync(stamp, 'utf8');
  } catch {
    // never installed by these scripts
  }
  if (previous === digest) return;
  const fresh = !existsSync(join(root, 'node_modules')) && existsSync(join(root, 'package-lock.json'));
  step(fresh ? 'installing npm packages (npm ci)' : 'installing npm packages (npm install)');
  // The lockfile is kept in sync with every manifest (test/scripts/lockfile.test.ts), so a fresh
  // clone gets exactly the locked versions.
  const status = run('npm', [fresh ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: root });
  if (status !== 0) {
    throw new SetupError(
      'npm could not install the packages',
      'check that the npm registry is reachable, then run `npm install`',
    );
  }
  writeFileSync(stamp, digest);
  ok('npm packages installed');
}

let aptUpdated = false;

/**
 * Makes sure each command exists; installs the Debian package that provides it when we are root.
 * @param {Array<[command: string, debianPackage: string]>} needs
 */
export function ensureDebianPackages(needs) {
  const missing = needs.filter(([cmd]) => !which(cmd));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  const cmds = missing.map(([cmd]) => cmd).join(', ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new SetupError(
      `missing ${cmds}`,
      `install the Debian packages: sudo apt-get install -y ${pkgs.join(' ')}`,
    );
  }
  step(`installing Debian packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  const status = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env });
  const still = missing.filter(([cmd]) => !which(cmd));
  if (status !== 0 || still.length > 0) {
    throw new SetupError(
      `apt-get could not install ${pkgs.join(' ')}`,
      `run \`apt-get update && apt-get install -y ${pkgs.join(' ')}\` and read its errors`,
    );
  }
  ok(`installed ${pkgs.join(' ')}`);
}

function ferretWorks(bin) {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.includes(FERRETDB_VERSION);
}

/**
 * Path to a FerretDB v1.24.2 binary, building it once per machine with Go when needed.
 *
 * `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` is the documented way, but the
 * binary it produces panics at start: FerretDB embeds build/version/version.txt, which its release
 * tooling generates and the module zip does not contain. So we download the module with Go, copy
 * it, write that file, and `go build` it — the same source, version and handler set.
 */
export function ensureFerretDB() {
  const fromEnv = process.env.FERRETDB_BIN;
  if (fromEnv) {
    if (!ferretWorks(fromEnv)) {
      throw new SetupError(
        `FERRETDB_BIN=${fromEnv} is not FerretDB ${FERRETDB_VERSION}`,
        'unset FERRETDB_BIN to let the scripts build it',
      );
    }
    return fromEnv;
  }
  const onPath = which('ferretdb');
  if (onPath && ferretWorks(onPath)) return onPath;
  const bin = join(cacheDir, 'bin', `ferretdb-${FERRETDB_VERSION}`);
  if (existsSync(bin) && ferretWorks(bin)) return bin;

  const go = which('go');
  if (!go) {
    throw new SetupError(
      'no MongoDB-compatible database: MONGODB_URI is not set, there is no mongod on PATH, and Go is missing to build FerretDB',
      'set MONGODB_URI to a MongoDB >= 6, or install Go (apt-get install -y golang) so the scripts can build FerretDB',
    );
  }
  step(`building FerretDB ${FERRETDB_VERSION} with Go (once per machine, about a minute)`);
  const work = mkdtempSync(join(tmpdir(), 'reelkit-ferretdb-'));
  try {
    const env = { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' };
    let res = spawnSync(go, ['mod', 'init', 'reelkit-ferretdb-build'], { cwd: work, env, encoding: 'utf8' });
    res = spawnSync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      cwd: work,
      env,
      encoding: 'utf8',
    });
    if (res.status !== 0) {
      throw new SetupError(
        `Go could not download ${FERRETDB_MODULE}@${FERRETDB_VERSION}: ${(res.stderr || res.stdout).trim()}`,
        'check that the Go module proxy is reachable (go env GOPROXY), or set MONGODB_URI',
      );
    }
    const { Dir } = JSON.parse(res.stdout);
    const src = join(work, 'src');
    cpSync(Dir, src, { recursive: true });
    chmodSync(src, 0o755);
    spawnSync('chmod', ['-R', 'u+w', src]);
    writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(join(cacheDir, 'bin'), { recursive: true });
    const status = run(go, ['build', '-trimpath', '-o', bin, './cmd/ferretdb'], { cwd: src, env });
    if (status !== 0 || !ferretWorks(bin)) {
      throw new SetupError(
        `building FerretDB ${FERRETDB_VERSION} failed`,
        'read the Go errors above, or set MONGODB_URI',
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  ok(`FerretDB ${FERRETDB_VERSION} built at ${bin}`);
  return bin;
}

/**
 * The SeaweedFS commit the S3 tests run against (its `weed` binary is built from this module
 * version). One pin: the cache file name, the download and the docs all follow it.
 */
export const SEAWEEDFS_VERSION = 'v0.0.0-20261109003541-7506e5f91cd6';
const SEAWEEDFS_MODULE = 'github.com/seaweedfs/seaweedfs';

function weedWorks(bin) {
  return spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
}

/**
 * Path to a SeaweedFS `weed` binary (the S3 store of the tests, and of `npm start` with
 * STORAGE=s3): WEED_BIN, else `weed` on PATH, else `<cacheDir>/bin/weed-<version>`, built once
 * per machine with Go (about 15 minutes on a busy 2-core machine).
 *
 * `go install github.com/seaweedfs/seaweedfs/weed@<version>` is refused because SeaweedFS's
 * go.mod has replace directives; building inside a writable copy of the downloaded module works.
 * The build writes to a temporary name that is renamed when Go is done, so an interrupted build
 * is never taken for a binary.
 */
export function ensureSeaweedFS() {
  const fromEnv = process.env.WEED_BIN;
  if (fromEnv) {
    if (!weedWorks(fromEnv)) {
      throw new SetupError(
        `WEED_BIN=${fromEnv} does not run (\`weed version\` failed)`,
        'unset WEED_BIN to let the scripts build SeaweedFS',
      );
    }
    return fromEnv;
  }
  const onPath = which('weed');
  if (onPath && weedWorks(onPath)) return onPath;
  const bin = join(cacheDir, 'bin', `weed-${SEAWEEDFS_VERSION}`);
  if (existsSync(bin) && weedWorks(bin)) return bin;

  const go = which('go');
  if (!go) {
    throw new SetupError(
      'SeaweedFS (the S3 store of the tests) is missing, and Go is missing to build it',
      'install Go (apt-get install -y golang), or set WEED_BIN to a SeaweedFS `weed` binary',
    );
  }
  // Two set-ups at once (two clones' test runs) build once: the second waits for the first.
  mkdirSync(join(cacheDir, 'bin'), { recursive: true });
  return withMachineLockSync(`${bin}.building`, () => buildSeaweedFS(go, bin), {
    onWait: (holder) => step(`waiting for the SeaweedFS build of process ${holder} (once per machine)`),
    skip: () => (existsSync(bin) && weedWorks(bin) ? bin : undefined),
  });
}

function buildSeaweedFS(go, bin) {
  step(`building SeaweedFS ${SEAWEEDFS_VERSION} with Go (once per machine, about 15 minutes)`);
  const work = mkdtempSync(join(tmpdir(), 'reelkit-seaweedfs-'));
  const partial = `${bin}.${process.pid}.partial`;
  try {
    const env = { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' };
    spawnSync(go, ['mod', 'init', 'reelkit-seaweedfs-build'], { cwd: work, env, encoding: 'utf8' });
    const res = spawnSync(go, ['mod', 'download', '-json', `${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION}`], {
      cwd: work,
      env,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (res.status !== 0) {
      throw new SetupError(
        `Go could not download ${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION}: ${(res.stderr || res.stdout).trim()}`,
        'check that the Go module proxy is reachable (go env GOPROXY), or set WEED_BIN',
      );
    }
    const { Dir } = JSON.parse(res.stdout);
    // The module cache is read-only; go build wants to write next to the sources.
    const src = join(work, 'src');
    cpSync(Dir, src, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', src]);
    const status = run(go, ['build', '-trimpath', '-o', partial, './weed'], { cwd: src, env });
    if (status !== 0 || !weedWorks(partial)) {
      throw new SetupError(
        `building SeaweedFS ${SEAWEEDFS_VERSION} failed`,
        'read the Go errors above, or set WEED_BIN to a SeaweedFS `weed` binary',
      );
    }
    renameSync(partial, bin);
  } finally {
    rmSync(partial, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
  ok(`SeaweedFS built at ${bin}`);
  return bin;
}

/** The schemathesis release the API tests run (pinned: its checks change between releases). */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** The schemathesis CLI in its own venv under the cache folder (shared by every clone). */
export function schemathesisBin() {
  return join(cacheDir, `schemathesis-${SCHEMATHESIS_VERSION}`, 'bin', 'schemathesis');
}

/**
 * Makes sure the pinned schemathesis is installed in a venv under the cache folder, creating it
 * with `python3 -m venv` and pip when missing (test profile only: `npm start` never needs it).
 * Returns the CLI's path.
 */
export function ensureSchemathesis() {
  const bin = schemathesisBin();
  const works = () =>
    existsSync(bin) &&
    spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.includes(SCHEMATHESIS_VERSION);
  if (works()) return bin;
  ensureDebianPackages([['python3', 'python3']]);
  const venv = join(cacheDir, `schemathesis-${SCHEMATHESIS_VERSION}`);
  step(`installing schemathesis ${SCHEMATHESIS_VERSION} in ${venv} (once per machine)`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  let status = run('python3', ['-m', 'venv', venv]);
  if (status === 0) {
    status = run(join(venv, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      `schemathesis==${SCHEMATHESIS_VERSION}`,
    ]);
  }
  if (status !== 0 || !works()) {
    throw new SetupError(
      `could not install schemathesis ${SCHEMATHESIS_VERSION}`,
      'check that PyPI is reachable and that python3 has the venv module (apt-get install -y python3-venv)',
    );
  }
  ok(`schemathesis ${SCHEMATHESIS_VERSION} installed`);
  return bin;
}
