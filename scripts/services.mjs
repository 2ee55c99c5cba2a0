// `node scripts/services.mjs up [--profile dev|test] [--json] [--holder <pid>]` starts Redis, the
// database and (test profile, or STORAGE=s3) SeaweedFS, idempotently; `--holder` names the test run
// that will use SeaweedFS. `node scripts/services.mjs release --holder <pid>` says that run is done
// (a SeaweedFS started for tests stops with its last run). `node scripts/services.mjs down` stops
// what this state folder started.
import { runOrExit } from './lib/log.mjs';
import { prepareStack } from './lib/stack.mjs';
import { releaseS3, stopServices } from './lib/services.mjs';

const [command = 'up', ...rest] = process.argv.slice(2);
const option = (name) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
const profile = option('--profile') ?? 'dev';
const holder = option('--holder') ? Number(option('--holder')) : undefined;

await runOrExit(async () => {
  if (command === 'down') {
    await stopServices();
    return;
  }
  if (command === 'release' && holder) {
    await releaseS3(holder);
    return;
  }
  if (command !== 'up' || (profile !== 'dev' && profile !== 'test')) {
    console.error(
      'usage: node scripts/services.mjs up [--profile dev|test] [--json] [--holder <pid>] | release --holder <pid> | down',
    );
    process.exit(2);
  }
  const json = rest.includes('--json');
  // In --json mode everything the set-up prints goes to stderr, so stdout carries only the JSON.
  const log = console.log;
  if (json) console.log = (...args) => console.error(...args);
  const env = await prepareStack({ profile, browser: profile === 'test', holder });
  if (json) log(JSON.stringify(env));
  else for (const [k, v] of Object.entries(env)) log(`${k}=${v}`);
});
