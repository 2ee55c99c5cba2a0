// Typechecks every package with its own tsconfig (NodeNext for Node packages, Bundler for browser
// packages). Each `tsconfig.lib.json` checks the shipped code alone in its real environment:
// protocol without Node or DOM types, the browser packages without Node types.
import { runTool } from './lib/run.mjs';

const projects = [
  'tsconfig.json',
  'packages/protocol/tsconfig.json',
  'packages/protocol/tsconfig.lib.json',
  'packages/storage/tsconfig.json',
  'packages/server/tsconfig.json',
  'packages/transcoder/tsconfig.json',
  'packages/player-sdk/tsconfig.json',
  'packages/player-sdk/tsconfig.lib.json',
  'packages/embed/tsconfig.json',
  'packages/embed/tsconfig.lib.json',
  'examples/admin-dashboard/tsconfig.json',
];
const results = await Promise.all(
  projects.map((p) => runTool('tsc', ['-p', p, '--noEmit']).then((code) => [p, code])),
);
const failed = results.filter(([, code]) => code !== 0).map(([p]) => p);
if (failed.length) {
  console.error(`typecheck failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`typecheck passed (${projects.length} projects)`);
