import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
