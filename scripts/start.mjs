// `npm start`: install what is missing, start Redis and the database, then the API and a worker,
// wait until the API is ready and print where everything is. Ctrl-C stops the API and the worker;
// Redis and the database keep running for the next start (`npm run stop` stops them).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ok, runOrExit, step } from './lib/log.mjs';
import { tsEntry, toolEnv } from './lib/run.mjs';
import { prepareStack } from './lib/stack.mjs';

const env = await runOrExit(() => prepareStack({ profile: 'dev' }));
const apiUrl = `http://127.0.0.1:${env.PORT}`;

const children = [];
let stopping = false;

function start(name, file) {
  const child = spawn(process.execPath, tsEntry(file), { env: toolEnv(env), stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} exited (${signal ?? code}); stopping the stack`);
    void shutdown(code ?? 1);
  });
  return child;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

step('starting the API and a transcoder worker');
start('server', 'packages/server/src/main.ts');
start('worker', 'packages/transcoder/src/main.ts');

const until = Date.now() + 60_000;
let ready = false;
while (!ready && Date.now() < until && !stopping) {
  try {
    ready = (await fetch(`${apiUrl}/readyz`)).ok;
  } catch {
    // not listening yet
  }
  if (!ready) await sleep(250);
}
if (!ready) {
  console.error(`the API did not become ready at ${apiUrl}/readyz within 60 s`);
  await shutdown(1);
}

ok('Reelkit is running');
console.log(`
  API           ${apiUrl}
  health        ${apiUrl}/healthz   readiness ${apiUrl}/readyz
  Redis         ${env.REDIS_URL}
  MongoDB       ${env.MONGODB_URI} (database ${env.MONGODB_DB})
  state folder  ${env.STATE_DIR}

  Ctrl-C stops the API and the worker; \`npm run stop\` also stops Redis and the database.
`);
