// `npm start`: install what is missing, start Redis and the database, build the browser bundles
// (the SDK and <reelkit-player>, served by the API and the example site) and the admin dashboard
// (served by the API at `/`) when their sources changed, then start the API, a worker and the
// third-party example site; seed a demo
// organisation with a sample video; print where everything is and how to log in. Ctrl-C stops
// what this script started; Redis and the database keep running for the next start (`npm run
// stop` stops them).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ok, runOrExit, step } from './lib/log.mjs';
import { projectNode } from './lib/node-runtime.mjs';
import { root } from './lib/paths.mjs';
import { runTool, tsEntry, toolEnv } from './lib/run.mjs';
import { seedDemo } from './lib/seed-demo.mjs';
import { prepareStack } from './lib/stack.mjs';

const env = await runOrExit(() => prepareStack({ profile: 'dev' }));
// The Node that runs the API, the worker and the example site (this script may run on an older one).
const node = projectNode().execPath;
// Bundles on the project's Node, before anything that serves them starts.
if ((await runTool('node', ['scripts/build-bundles.mjs'])) !== 0) process.exit(1);
const apiUrl = `http://127.0.0.1:${env.PORT}`;
const dashboardDir = join(root, 'examples/admin-dashboard');
const thirdPartyPort = process.env.THIRD_PARTY_PORT ?? '5174';

// The API serves the built dashboard at `/`: one origin, so cookies and CSRF need no CORS.
const dashboardUrl = `${apiUrl}/`;
// Invitation links point at the dashboard.
const serverEnv = { ...env, DASHBOARD_URL: process.env.DASHBOARD_URL ?? dashboardUrl };

const children = [];
let stopping = false;

function start(name, cmd, args, extraEnv = {}) {
  const child = spawn(cmd, args, {
    cwd: root,
    env: toolEnv({ ...serverEnv, ...extraEnv }),
    stdio: 'inherit',
  });
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

/** Newest modification time under a folder (sources of the dashboard and the packages it bundles). */
function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const builtIndex = join(dashboardDir, 'dist/index.html');
const sources = ['examples/admin-dashboard', 'packages/player-sdk/src', 'packages/embed/src'];
const stale =
  !existsSync(builtIndex) ||
  Math.max(...sources.map((s) => newest(join(root, s)))) > statSync(builtIndex).mtimeMs;
if (stale) {
  step('building the admin dashboard (vite)');
  const code = await runTool('vite', ['build', dashboardDir, '--logLevel', 'warn']);
  if (code !== 0) {
    console.error('the dashboard did not build; see above');
    process.exit(1);
  }
}

step('starting the API and a transcoder worker');
start('server', node, tsEntry('packages/server/src/main.ts'));
start('worker', node, tsEntry('packages/transcoder/src/main.ts'));

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

step('seeding the demo organisation');
let demo;
try {
  demo = await seedDemo({ apiUrl, stateDir: env.STATE_DIR });
  for (const what of demo.created) ok(`created ${what}`);
  if (!demo.created.length) ok('demo data already there');
} catch (err) {
  console.error(`seeding failed (the stack keeps running): ${err.message}`);
}

if (demo) {
  start('third-party site', node, [join(root, 'examples/third-party-site/server.mjs')], {
    PORT: thirdPartyPort,
    REELKIT_API: apiUrl,
    REELKIT_API_KEY: demo.apiKey,
    REELKIT_VIDEO_ID: demo.videoId,
  });
}

ok('Reelkit is running');
console.log(`
  dashboard     ${dashboardUrl}
  demo login    ${demo ? `${demo.email} / ${demo.password}` : '(seeding failed; sign up in the dashboard)'}
  third-party   ${demo ? `http://127.0.0.1:${thirdPartyPort}/  (another origin embedding the sample video)` : '—'}
  API           ${apiUrl}   reference ${apiUrl}/docs   OpenAPI ${apiUrl}/v1/openapi.json
  health        ${apiUrl}/healthz   readiness ${apiUrl}/readyz
  Redis         ${env.REDIS_URL}
  MongoDB       ${env.MONGODB_URI} (database ${env.MONGODB_DB})
  state folder  ${env.STATE_DIR}

  Ctrl-C stops the API, the worker and the example sites; \`npm run stop\` also stops Redis and the database.
`);
