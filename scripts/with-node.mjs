// `node scripts/with-node.mjs <command> [args...]` runs a command on the project's Node (>= 22.12,
// fetched once per machine when the running Node is older) with node_modules/.bin on PATH, in the
// current folder. The npm scripts that run the project's tools (vitest, eslint, tsc, rollup, vite,
// benchmarks, the example sites) go through it: `npm run` alone would start them on whatever
// `node` comes first on PATH.
import { spawn } from 'node:child_process';
import { runOrExit } from './lib/log.mjs';
import { projectNode } from './lib/node-runtime.mjs';
import { toolEnv } from './lib/run.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-node.mjs <command> [args...]');
  process.exit(2);
}
await runOrExit(() => projectNode());
const child = spawn(cmd, args, { env: toolEnv(), stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; wait for it to finish.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => {
  console.error(`${cmd}: ${err.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
