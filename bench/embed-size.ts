// Measures what <reelkit-player> costs a page (gzip -9 bytes) and writes the `## Embed size` section
// of docs/benchmarks.md: `npm run bench:embed-size` (after `npx rollup -c rollup.config.mjs` for the
// IIFE line). The budget — element + lit + the SDK entry, without hls.js — is measured by a separate
// rollup pass over the IIFE's entry (src/auto-define.ts) as ES modules with hls.js external, so the
// SDK's lazy chunks (hls.js glue, realtime socket) split off as they do in the ESM build; the entry
// is the chunk a page runs before any video loads. Fails above 25 KB.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserPlugin from '@rollup/plugin-terser';
import { rollup, type OutputChunk, type Plugin } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { repoRoot, writeBenchmarkSection } from './lib/report.js';

const BUDGET = 25 * 1024;
// The plugin's types describe its CommonJS shape under NodeNext; at run time the default is the function.
const terser = terserPlugin as unknown as (options?: object) => Plugin;
const gz = (bytes: Buffer | string) => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const embed = join(repoRoot, 'packages/embed');

const out = await mkdtemp(join(tmpdir(), 'reelkit-embed-size-'));
try {
  const bundle = await rollup({
    input: join(embed, 'src/auto-define.ts'),
    external: [/^hls\.js/],
    plugins: [
      nodeResolve({
        browser: true,
        exportConditions: ['source', 'browser', 'import', 'default'],
        extensions: ['.ts', '.js', '.mjs'],
      }),
      esbuild({ target: 'es2020', tsconfig: join(embed, 'tsconfig.json') }),
      terser({ format: { comments: false } }),
    ],
  });
  const { output } = await bundle.write({ dir: out, format: 'es', chunkFileNames: '[name].js' });
  await bundle.close();
  const chunks = output.filter((o): o is OutputChunk => o.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const entryChunk = chunks.find((c) => c.isEntry)!;
  const eager = new Set<string>();
  const visit = (name: string) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const dep of byName.get(name)?.imports ?? []) if (byName.has(dep)) visit(dep);
  };
  visit(entryChunk.fileName);
  let entry = 0;
  for (const name of eager) entry += gz(await readFile(join(out, name)));
  const lazy = chunks
    .filter((c) => !eager.has(c.fileName))
    .map((c) => ({ name: c.fileName, size: gz(c.code) }));

  const iifePath = join(embed, 'dist/reelkit-player.iife.min.js');
  const iife = existsSync(iifePath) ? gz(readFileSync(iifePath)) : undefined;
  const esmPath = join(embed, 'dist/index.js');
  const esm = existsSync(esmPath) ? gz(readFileSync(esmPath)) : undefined;
  const hlsVersion = JSON.parse(readFileSync(join(repoRoot, 'node_modules/hls.js/package.json'), 'utf8')) as {
    version: string;
  };

  const rows = [
    `| **element + lit + SDK entry, without hls.js** (the budget: ${kb(BUDGET)}) | **${kb(entry)}** |`,
    ...lazy.map((l) => `| lazy chunk \`${l.name}\` (loaded when needed) | ${kb(l.size)} |`),
    `| hls.js ${hlsVersion.version} (loaded lazily by the SDK where MSE is used) | not counted |`,
    ...(iife !== undefined
      ? [`| \`dist/reelkit-player.iife.min.js\` (one file: everything, hls.js inlined) | ${kb(iife)} |`]
      : []),
    ...(esm !== undefined
      ? [
          `| \`dist/index.js\` (ESM: the element alone; lit and the SDK are dependencies, unminified) | ${kb(esm)} |`,
        ]
      : []),
  ];
  const body = `Gzip -9 bytes, measured by \`bench/embed-size.ts\` on ${new Date().toISOString().slice(0, 10)}.
The budget line is a separate rollup pass over the IIFE's entry (\`packages/embed/src/auto-define.ts\`)
as minified ES modules with hls.js external: the entry chunk and what it imports statically —
what a page runs before a video loads. The SDK's lazy chunks are listed apart.

| what | gzip |
| ---- | ---- |
${rows.join('\n')}

The IIFE inlines hls.js (an IIFE cannot load chunks), so a \`<script src>\` page downloads it at once;
sites that bundle \`@reelkit/embed\` as ESM get hls.js only when a video starts.`;
  await writeBenchmarkSection('## Embed size (`npm run bench:embed-size`)', body);
  console.log(body);
  if (entry > BUDGET) {
    console.error(`over budget: ${kb(entry)} > ${kb(BUDGET)}`);
    process.exitCode = 1;
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
