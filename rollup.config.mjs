// Bundles the two published browser packages from their entry points:
//   @reelkit/player-sdk → ESM + CJS (hls.js stays a lazily imported dependency), .d.ts + .d.cts,
//                          minified IIFE `window.Reelkit`
//   @reelkit/embed      → ESM only (lit and the SDK stay dependencies), .d.ts, minified IIFE that
//                          registers <reelkit-player>
// @reelkit/protocol is private: what the SDK needs of it (code lists and types) is bundled in.
// `npm start` and `npm test` build through scripts/lib/bundles.mjs, which calls bundleConfigs().
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import { fileURLToPath } from 'node:url';

// Absolute, so the set-up scripts can build from any working directory.
const sdk = fileURLToPath(new URL('packages/player-sdk', import.meta.url));
const embed = fileURLToPath(new URL('packages/embed', import.meta.url));
// Workspace packages resolve to their TypeScript sources, as in development. `production` is
// named so the result never depends on NODE_ENV (the plugin picks Lit's dev build otherwise).
const resolve = () =>
  nodeResolve({
    browser: true,
    exportConditions: ['source', 'browser', 'import', 'production', 'default'],
    extensions: ['.ts', '.js', '.mjs'],
  });
const ts = () => esbuild({ target: 'es2020', tsconfig: `${sdk}/tsconfig.json` });
const min = () => terser({ format: { comments: false } });

/** The bundle names {@link bundleConfigs} knows, in build order. */
export const BUNDLES = ['sdk', 'sdk-iife', 'sdk-types', 'embed', 'embed-iife', 'embed-types'];

/**
 * Rollup options of each bundle.
 * @param {{ sdkOut?: string, embedOut?: string, only?: string[] }} [options] output folders
 *   (default: each package's `dist`) and which of {@link BUNDLES} to build (default: all).
 */
export function bundleConfigs({ sdkOut = `${sdk}/dist`, embedOut = `${embed}/dist`, only = BUNDLES } = {}) {
  const all = {
    sdk: {
      input: `${sdk}/src/index.ts`,
      external: [/^hls\.js/],
      plugins: [resolve(), ts()],
      output: [
        {
          dir: sdkOut,
          format: 'es',
          entryFileNames: 'index.js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          sourcemap: true,
        },
        {
          dir: sdkOut,
          format: 'cjs',
          entryFileNames: 'index.cjs',
          chunkFileNames: 'chunks/[name]-[hash].cjs',
          sourcemap: true,
        },
      ],
    },
    'sdk-iife': {
      input: `${sdk}/src/index.ts`,
      plugins: [resolve(), ts(), min()],
      output: {
        file: `${sdkOut}/reelkit.iife.min.js`,
        format: 'iife',
        name: 'Reelkit',
        inlineDynamicImports: true,
        sourcemap: true,
      },
    },
    'sdk-types': {
      input: `${sdk}/src/index.ts`,
      external: [/^hls\.js/],
      plugins: [dts({ respectExternal: true, tsconfig: `${sdk}/tsconfig.json` })],
      // The same declarations twice: .d.ts for `import`, .d.cts for `require` (a .d.ts next to a
      // .cjs would describe it as ESM).
      output: [
        { file: `${sdkOut}/index.d.ts`, format: 'es' },
        { file: `${sdkOut}/index.d.cts`, format: 'es' },
      ],
    },
    embed: {
      input: `${embed}/src/index.ts`,
      external: [/^lit/, /^@reelkit\/player-sdk/, /^hls\.js/],
      plugins: [resolve(), ts()],
      output: {
        dir: embedOut,
        format: 'es',
        entryFileNames: 'index.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        sourcemap: true,
      },
    },
    'embed-iife': {
      input: `${embed}/src/auto-define.ts`,
      plugins: [resolve(), ts(), min()],
      output: {
        file: `${embedOut}/reelkit-player.iife.min.js`,
        format: 'iife',
        name: 'ReelkitPlayerElement',
        inlineDynamicImports: true,
        sourcemap: true,
      },
    },
    'embed-types': {
      input: `${embed}/src/index.ts`,
      external: [/^lit/, /^@reelkit\/player-sdk/, /^hls\.js/],
      plugins: [dts({ respectExternal: true, tsconfig: `${embed}/tsconfig.json` })],
      output: { file: `${embedOut}/index.d.ts`, format: 'es' },
    },
  };
  return only.map((name) => all[name]);
}

export default bundleConfigs();
