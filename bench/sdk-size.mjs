// Measures what the player SDK costs a page (gzip -9 bytes) and writes the `## SDK size` section of
// docs/benchmarks.md. Run after `npx rollup -c rollup.config.mjs`: `npm run bench:size`.
// The entry is dist/index.js plus every chunk it imports statically (what loads before any player
// or upload starts); the lazy chunks are listed apart. Fails when the entry exceeds 10 KB.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'packages/player-sdk/dist');
const BUDGET = 10 * 1024;
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (!existsSync(join(dist, 'index.js'))) {
  console.error('Build first: npx rollup -c rollup.config.mjs');
  process.exit(1);
}

/** The file and every local chunk it imports statically, transitively. */
function staticClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(
    /(?:^|[;\n])\s*(?:import|export)\s[^;'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|[;\n])\s*import\s*['"](\.[^'"]+)['"]/g,
  )) {
    staticClosure(join(dirname(file), m[1] ?? m[2]), seen);
  }
  return seen;
}

const entryFiles = [...staticClosure(join(dist, 'index.js'))];
const entry = entryFiles.reduce((sum, f) => sum + gz(f), 0);
/** Chunks reached through `import('./...')` from `files`, transitively, minus the entry's. */
function lazyChunks(files) {
  const found = new Set();
  const visit = (file) => {
    for (const m of readFileSync(file, 'utf8').matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const chunk = join(dirname(file), m[1]);
      if (found.has(chunk) || entryFiles.includes(chunk)) continue;
      found.add(chunk);
      for (const f of staticClosure(chunk)) if (f !== chunk && !entryFiles.includes(f)) found.add(f);
      visit(chunk);
    }
  };
  files.forEach(visit);
  return [...found];
}
const lazy = lazyChunks(entryFiles).map((f) => ({
  name: relative(dist, f).replace(/-[\w-]{8}\.js$/, '.js'),
  size: gz(f),
}));
const iife = gz(join(dist, 'reelkit.iife.min.js'));
const require = createRequire(join(root, 'packages/player-sdk/package.json'));
const hlsDir = dirname(require.resolve('hls.js/package.json'));
const hlsVersion = JSON.parse(readFileSync(join(hlsDir, 'package.json'), 'utf8')).version;
const hlsLight = gz(join(hlsDir, 'dist/hls.light.min.js'));
const hlsFull = gz(join(hlsDir, 'dist/hls.min.js'));

/** @mux/mux-player's main browser bundle, packed into a temp folder (never installed). */
function muxPlayer() {
  const dir = mkdtempSync(join(tmpdir(), 'reelkit-mux-'));
  try {
    const out = execFileSync('npm', ['pack', '@mux/mux-player', '--silent', '--pack-destination', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    }).trim();
    const tgz = join(dir, out.split('\n').pop());
    execFileSync('tar', ['xzf', tgz, '-C', dir]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package/package.json'), 'utf8'));
    const candidates = ['dist/mux-player.js', 'dist/index.js', pkg.unpkg, pkg.jsdelivr, pkg.main].filter(
      Boolean,
    );
    const main = candidates
      .map((c) => join(dir, 'package', c))
      .find((f) => existsSync(f) && statSync(f).isFile());
    return main
      ? { version: pkg.version, file: relative(join(dir, 'package'), main), size: gz(main) }
      : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const mux = muxPlayer();

const rows = [
  ['`@reelkit/player-sdk` entry (`dist/index.js` + static chunks, no hls.js)', entry],
  ...lazy.map((c) => [`  lazy \`${c.name}\` (loaded on first use)`, c.size]),
  ['`@reelkit/player-sdk` IIFE `reelkit.iife.min.js` (hls.js inlined)', iife],
  [`hls.js ${hlsVersion} light (\`hls.light.min.js\`)`, hlsLight],
  [`hls.js ${hlsVersion} full (\`hls.min.js\`)`, hlsFull],
  ...(mux ? [[`\`@mux/mux-player\` ${mux.version} (\`${mux.file}\`, for comparison)`, mux.size]] : []),
];
const section = [
  '## SDK size (`npm run bench:size`)',
  '',
  `Run ${new Date().toISOString().slice(0, 10)}, gzip -9 of the rollup output (the ESM build is not minified; bundlers minify it further).`,
  '',
  '| what | gzip |',
  '| ---- | ---: |',
  ...rows.map(([name, size]) => `| ${name} | ${kb(size)} |`),
  '',
  `Entry budget: ${kb(BUDGET)} — ${entry <= BUDGET ? 'within' : '**over**'} (${kb(entry)}). hls.js is a separate, lazily imported dependency in the ESM/CJS builds: a page pays for it only when a player starts on a browser with MSE.${mux ? '' : ' `@mux/mux-player` could not be fetched (offline).'}`,
  '',
].join('\n');

const docs = join(root, 'docs/benchmarks.md');
const current = existsSync(docs)
  ? readFileSync(docs, 'utf8')
  : '# Benchmarks\n\nMeasured numbers, one section per benchmark; each benchmark rewrites only its own section.\n';
const start = current.search(/^## SDK size/m);
let next;
if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
else {
  const rest = current.slice(start + 1).search(/^## /m);
  next = current.slice(0, start) + section + (rest < 0 ? '' : `\n${current.slice(start + 1 + rest)}`);
}
// The repository checks formatting: write the file as Prettier would.
const prettier = await import('prettier');
writeFileSync(docs, await prettier.format(next, { ...(await prettier.resolveConfig(docs)), filepath: docs }));
console.log(section);
if (entry > BUDGET) process.exit(1);
