// Builds the browser bundles the stack serves (the element's and the SDK's IIFE, the ESM builds and
// their types) before any server starts, and only when their inputs changed: a hash of the sources
// is kept next to the output, as ensureNodeModules does for npm packages.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { root } from './paths.mjs';
import { SetupError, ok, step } from './log.mjs';

/** Every file a bundle is made of: the packages' sources (tests aside), manifests, lockfile, config. */
export function bundleInputs() {
  const files = [join(root, 'rollup.config.mjs'), join(root, 'package-lock.json')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (!entry.name.endsWith('.test.ts')) files.push(p);
    }
  };
  for (const pkg of ['protocol', 'player-sdk', 'embed']) {
    const dir = join(root, 'packages', pkg);
    for (const f of ['package.json', 'tsconfig.json']) if (existsSync(join(dir, f))) files.push(join(dir, f));
    walk(join(dir, 'src'));
  }
  return files;
}

/** The content hash of {@link bundleInputs}: paths and bytes. */
export function bundleHash() {
  const hash = createHash('sha256');
  for (const f of bundleInputs()) hash.update(relative(root, f)).update('\0').update(readFileSync(f));
  return hash.digest('hex');
}

/** Where each package's bundles go, and the files a server needs from them. */
export function bundleOutputs({ outRoot } = {}) {
  const sdkOut = outRoot ? join(outRoot, 'player-sdk') : join(root, 'packages/player-sdk/dist');
  const embedOut = outRoot ? join(outRoot, 'embed') : join(root, 'packages/embed/dist');
  return {
    sdkOut,
    embedOut,
    files: [
      join(sdkOut, 'index.js'),
      join(sdkOut, 'index.cjs'),
      join(sdkOut, 'index.d.ts'),
      join(sdkOut, 'index.d.cts'),
      join(sdkOut, 'reelkit.iife.min.js'),
      join(embedOut, 'index.js'),
      join(embedOut, 'index.d.ts'),
      join(embedOut, 'reelkit-player.iife.min.js'),
    ],
    // Outside the packages' dist, so `npm pack` never ships it.
    stamp: outRoot ? join(outRoot, '.reelkit-build') : join(root, 'node_modules/.cache/reelkit-bundles'),
  };
}

/**
 * Builds every bundle with Rollup's API into clean output folders (production mode whatever
 * NODE_ENV says) and writes the stamp. `outRoot` builds into `<outRoot>/player-sdk` and
 * `<outRoot>/embed` instead of the packages' `dist`.
 */
export async function buildBundles({ outRoot, only } = {}) {
  const { rollup } = await import('rollup');
  const { bundleConfigs } = await import(join(root, 'rollup.config.mjs'));
  const out = bundleOutputs({ outRoot });
  const hash = bundleHash();
  rmSync(out.sdkOut, { recursive: true, force: true });
  rmSync(out.embedOut, { recursive: true, force: true });
  for (const config of bundleConfigs({
    sdkOut: out.sdkOut,
    embedOut: out.embedOut,
    ...(only ? { only } : {}),
  })) {
    const bundle = await rollup({
      ...config,
      onLog: (level, log, handler) => level === 'warn' || handler(level, log),
    });
    try {
      for (const output of [config.output].flat()) await bundle.write(output);
    } finally {
      await bundle.close();
    }
  }
  if (!only) {
    mkdirSync(dirname(out.stamp), { recursive: true });
    writeFileSync(out.stamp, hash);
  }
  return out;
}

/**
 * Builds the bundles when a source changed since the last build or an output is missing (a fresh
 * clone has no `dist/`). Resolves with the output folders.
 */
export async function ensureBundles({ outRoot } = {}) {
  const out = bundleOutputs({ outRoot });
  let previous = '';
  try {
    previous = readFileSync(out.stamp, 'utf8');
  } catch {
    // never built
  }
  if (previous === bundleHash() && out.files.every((f) => existsSync(f))) return out;
  step('building the player SDK and <reelkit-player> bundles (rollup, production)');
  const started = Date.now();
  try {
    await buildBundles({ outRoot });
  } catch (err) {
    throw new SetupError(
      `the bundles did not build: ${err.message}`,
      'fix the error above, then start again',
    );
  }
  ok(`bundles built in ${Math.round((Date.now() - started) / 1000)} s`);
  return out;
}
