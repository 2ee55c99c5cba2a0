// `node scripts/services.mjs up [--profile dev|test] [--json]` starts Redis and the database (idempotent);
// `node scripts/services.mjs down` stops what this state folder started.
import { runOrExit } from './lib/log.mjs';
import { prepareStack } from './lib/stack.mjs';
import { stopServices } from './lib/services.mjs';

const [command = 'up', ...rest] = process.argv.slice(2);
const profile = rest.includes('--profile') ? rest[rest.indexOf('--profile') + 1] : 'dev';

await runOrExit(async () => {
  if (command === 'down') {
    await stopServices();
    return;
  }
  if (command !== 'up' || (profile !== 'dev' && profile !== 'test')) {
    console.error('usage: node scripts/services.mjs up [--profile dev|test] [--json] | down');
    process.exit(2);
  }
  const json = rest.includes('--json');
  // In --json mode everything the set-up prints goes to stderr, so stdout carries only the JSON.
  const log = console.log;
  if (json) console.log = (...args) => console.error(...args);
  const env = await prepareStack({ profile, browser: profile === 'test' });
  if (json) log(JSON.stringify(env));
  else for (const [k, v] of Object.entries(env)) log(`${k}=${v}`);
});
