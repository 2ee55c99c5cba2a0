import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { MIN_NODE, chooseNode } from './scripts/lib/choose-node.mjs';

// Tests run on the project's Node, like every other process (vitest 5 itself needs >= 22.12).
// `npx vitest` would start on whatever `node` is first on PATH; say how to get the right one.
if (chooseNode(process.version).use !== 'running') {
  throw new Error(
    `vitest runs on Node >= ${MIN_NODE}, and this is ${process.version}: run \`npm run vitest -- <files>\` ` +
      '(it fetches the pinned Node 24 once if need be), or put a Node >= 22.12 first on PATH.',
  );
}

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run every package from source, as `node --conditions=source` does at run time.
    alias: {
      '@reelkit/protocol': src('protocol'),
      '@reelkit/storage': src('storage'),
      '@reelkit/server': src('server'),
      '@reelkit/transcoder': src('transcoder'),
      '@reelkit/player-sdk': src('player-sdk'),
      '@reelkit/embed': src('embed'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
