// Bundles the two published browser packages from their entry points:
//   @reelkit/player-sdk → ESM + CJS (hls.js stays a lazily imported dependency), .d.ts, minified IIFE `window.Reelkit`
//   @reelkit/embed      → ESM (lit and the SDK stay dependencies), .d.ts, minified IIFE that registers <reelkit-player>
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

const sdk = 'packages/player-sdk';
const embed = 'packages/embed';
// Workspace packages resolve to their TypeScript sources, as in development.
const resolve = () =>
  nodeResolve({
    browser: true,
    exportConditions: ['source', 'browser', 'import', 'default'],
    extensions: ['.ts', '.js', '.mjs'],
  });
const ts = () => esbuild({ target: 'es2020', tsconfig: `${sdk}/tsconfig.json` });
const min = () => terser({ format: { comments: false } });

export default [
  {
    input: `${sdk}/src/index.ts`,
    external: [/^hls\.js/],
    plugins: [resolve(), ts()],
    output: [
      {
        dir: `${sdk}/dist`,
        format: 'es',
        entryFileNames: 'index.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        sourcemap: true,
      },
      {
        dir: `${sdk}/dist`,
        format: 'cjs',
        entryFileNames: 'index.cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        sourcemap: true,
      },
    ],
  },
  {
    input: `${sdk}/src/index.ts`,
    plugins: [resolve(), ts(), min()],
    output: {
      file: `${sdk}/dist/reelkit.iife.min.js`,
      format: 'iife',
      name: 'Reelkit',
      inlineDynamicImports: true,
      sourcemap: true,
    },
  },
  {
    input: `${sdk}/src/index.ts`,
    external: [/^hls\.js/],
    plugins: [dts({ respectExternal: true, tsconfig: `${sdk}/tsconfig.json` })],
    output: { file: `${sdk}/dist/index.d.ts`, format: 'es' },
  },
  {
    input: `${embed}/src/index.ts`,
    external: [/^lit/, /^@reelkit\/player-sdk/, /^hls\.js/],
    plugins: [resolve(), ts()],
    output: {
      dir: `${embed}/dist`,
      format: 'es',
      entryFileNames: 'index.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
    },
  },
  {
    input: `${embed}/src/auto-define.ts`,
    plugins: [resolve(), ts(), min()],
    output: {
      file: `${embed}/dist/reelkit-player.iife.min.js`,
      format: 'iife',
      name: 'ReelkitPlayerElement',
      inlineDynamicImports: true,
      sourcemap: true,
    },
  },
  {
    input: `${embed}/src/index.ts`,
    external: [/^lit/, /^@reelkit\/player-sdk/, /^hls\.js/],
    plugins: [dts({ respectExternal: true, tsconfig: `${embed}/tsconfig.json` })],
    output: { file: `${embed}/dist/index.d.ts`, format: 'es' },
  },
];
