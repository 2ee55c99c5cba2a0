// Typechecks every package with its own tsconfig (NodeNext for Node packages, Bundler for browser
// packages). Each `tsconfig.lib.json` checks the shipped code alone in its real environment:
// protocol without Node or DOM types, the browser packages without Node types.
import { availableParallelism } from 'node:os';
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
// A few at a time: eleven compilers at once on a two-core machine thrash (and so would several
// developers' typechecks side by side); one per core finishes sooner.
const queue = [...projects];
const results = [];
async function drain() {
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    results.push([p, await runTool('tsc', ['-p', p, '--noEmit'])]);
  }
}
await Promise.all(Array.from({ length: Math.min(availableParallelism(), projects.length) }, drain));
const failed = results.filter(([, code]) => code !== 0).map(([p]) => p);
if (failed.length) {
  console.error(`typecheck failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`typecheck passed (${projects.length} projects)`);
