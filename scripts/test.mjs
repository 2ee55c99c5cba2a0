// `npm test`: the same set-up as `npm start` (bundles included), then lint, typecheck and every test.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runOrExit, step } from './lib/log.mjs';
import { stateDir } from './lib/paths.mjs';
import { runTool, tsEntry } from './lib/run.mjs';
import { releaseS3 } from './lib/services.mjs';
import { prepareStack } from './lib/stack.mjs';

const env = await runOrExit(() => prepareStack({ profile: 'test', browser: true, holder: process.pid }));
// Browser tests load the built bundles; built in production mode whatever NODE_ENV the tests use.
if ((await runTool('node', ['scripts/build-bundles.mjs'])) !== 0) {
  await releaseS3(process.pid);
  process.exit(1);
}
const testEnv = { ...env, REELKIT_STACK_READY: '1' };
const report = join(stateDir, 'vitest-report.json');
const onlyTests = process.argv.includes('--only-tests');

const steps = [
  ['lint (eslint)', 'eslint', ['.', '--max-warnings=0']],
  ['format (prettier)', 'prettier', ['--check', '.']],
  ['typecheck', 'node', ['scripts/typecheck.mjs']],
  [
    'tests (vitest)',
    'vitest',
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  ],
  // The short soak-and-fault run (issue 21), alone after vitest: it starts a stack of its own
  // (Redis, database, 2 APIs, 2 workers) and saturates the machine, so beside the test files it
  // slowed them and was slowed past its budgets. Its verdict is its exit code.
  ['tests (soak, short)', 'node', [...tsEntry('bench/soak/main.ts'), '--ci']],
].filter(([name]) => !onlyTests || name.startsWith('tests'));

rmSync(report, { force: true });
const failed = [];
const started = Date.now();
for (const [name, cmd, args] of steps) {
  step(name);
  const code = await runTool(cmd, args, testEnv);
  if (code !== 0) failed.push(name);
}

let summary;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed`;
  if (r.numPendingTests + r.numTodoTests > 0) summary += `, ${r.numPendingTests + r.numTodoTests} skipped`;
} catch {
  summary = '0 passed, 1 failed';
}
console.log(
  `\nnpm test finished in ${Math.round((Date.now() - started) / 1000)} s; failed steps: ${failed.length ? failed.join(', ') : 'none'}`,
);
console.log(`tests: ${summary}`);
// A SeaweedFS this run started is stopped (unless another test run still uses it).
await releaseS3(process.pid);
process.exit(failed.length ? 1 : 0);
