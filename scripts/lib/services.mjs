// Starts Redis, the database and (for tests, or STORAGE=s3) SeaweedFS on 127.0.0.1, once: a second
// call finds them running and starts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SetupError, ok, step } from './log.mjs';
import { ensureFerretDB, ensureSeaweedFS, which } from './install.mjs';
import { withMachineLock } from './machine-lock.mjs';
import { projectNode } from './node-runtime.mjs';
import { logDir, ports, stateDir } from './paths.mjs';

/** Sends one line to a TCP port and resolves with the first reply, or undefined when nothing answers. */
function ask(port, line, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(reply || undefined));
    socket.on('error', () => done(undefined));
    socket.on('connect', () => {
      if (line === undefined) done('open');
      else socket.write(line);
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply);
    });
  });
}

const redisPing = async (port) => (await ask(port, 'PING\r\n'))?.startsWith('+PONG') ?? false;
const portOpen = async (port) => (await ask(port, undefined)) === 'open';

async function waitFor(check, what, logFile, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new SetupError(`${what} did not start within ${timeoutMs / 1000} s`, `read ${logFile}`);
}

function pidAlive(pidFile) {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function ensureRedis() {
  const port = ports.redis;
  const url = `redis://127.0.0.1:${port}`;
  if (await redisPing(port)) {
    ok(`Redis already running on 127.0.0.1:${port}`);
    return url;
  }
  if (await portOpen(port)) {
    throw new SetupError(
      `port ${port} is taken by something that is not Redis`,
      'set REELKIT_REDIS_PORT to a free port',
    );
  }
  const bin = which('redis-server');
  if (!bin) throw new SetupError('redis-server is missing', 'sudo apt-get install -y redis-server');
  const dir = join(stateDir, 'redis');
  mkdirSync(dir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'redis.log');
  step(`starting Redis on 127.0.0.1:${port}`);
  const res = spawnSync(
    bin,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'yes',
      '--pidfile',
      join(dir, 'redis.pid'),
      '--logfile',
      logFile,
    ],
    { stdio: 'ignore' },
  );
  if (res.status !== 0) throw new SetupError('redis-server refused to start', `read ${logFile}`);
  await waitFor(() => redisPing(port), 'Redis', logFile);
  ok(`Redis started on 127.0.0.1:${port} (AOF on, noeviction)`);
  return url;
}

function spawnDaemon(bin, args, name, { env = process.env, pidFile = join(stateDir, `${name}.pid`) } = {}) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const out = openSync(logFile, 'a');
  // Detached, own process group, no inherited pipes: the daemon outlives this script and never
  // holds the caller's stdout open (a CI runner waiting for EOF would hang otherwise).
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', out, out], env });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  return logFile;
}

/**
 * The database, in this order: MONGODB_URI if set; a mongod on PATH; else FerretDB v1.24 (SQLite).
 * @returns {Promise<{ uri: string, kind: 'external' | 'mongod' | 'ferretdb' }>}
 */
export async function ensureDatabase() {
  if (process.env.MONGODB_URI) {
    ok('using the database at MONGODB_URI');
    return { uri: process.env.MONGODB_URI, kind: 'external' };
  }
  const port = ports.mongo;
  const uri = `mongodb://127.0.0.1:${port}/`;
  const mongod = which('mongod');
  const kind = mongod ? 'mongod' : 'ferretdb';
  const pidFile = join(stateDir, `${kind}.pid`);
  if (await portOpen(port)) {
    if (!pidAlive(pidFile) && !existsSync(join(stateDir, `${kind}.pid`))) {
      ok(`a database is already listening on 127.0.0.1:${port}; using it`);
    } else {
      ok(`${kind} already running on 127.0.0.1:${port}`);
    }
    return { uri, kind };
  }
  rmSync(pidFile, { force: true });
  let logFile;
  if (mongod) {
    const dbPath = join(stateDir, 'mongod');
    mkdirSync(dbPath, { recursive: true });
    step(`starting mongod on 127.0.0.1:${port}`);
    logFile = spawnDaemon(
      mongod,
      ['--bind_ip', '127.0.0.1', '--port', String(port), '--dbpath', dbPath],
      'mongod',
    );
  } else {
    const bin = ensureFerretDB();
    const dataDir = join(stateDir, 'ferretdb');
    mkdirSync(dataDir, { recursive: true });
    step(`starting FerretDB (SQLite handler) on 127.0.0.1:${port}`);
    logFile = spawnDaemon(
      bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`,
        `--listen-addr=127.0.0.1:${port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      'ferretdb',
    );
  }
  await waitFor(() => portOpen(port), kind, logFile);
  ok(`${kind} started on 127.0.0.1:${port}`);
  return { uri, kind };
}

/**
 * The local SeaweedFS's S3 identity (it listens on 127.0.0.1 only). Every clone on the machine uses
 * the same, so a SeaweedFS started by one clone serves the others, as Redis does.
 */
export const LOCAL_S3 = Object.freeze({
  region: 'us-east-1',
  accessKeyId: 'reelkit-local',
  secretAccessKey: 'reelkit-local-secret-key',
});

/** Dev and test share the SeaweedFS but not a bucket. */
export const S3_BUCKETS = Object.freeze({ dev: 'reelkit', test: 'reelkit-test' });

/**
 * Machine-wide bookkeeping of the SeaweedFS on our port, shared by every clone: `pid`, `owner`
 * (`dev` keeps it running like Redis; `test` means the last test run using it stops it) and
 * `users/<pid>`, one per test run using it.
 */
const seaweedRunDir = () => join(tmpdir(), `reelkit-seaweedfs-${ports.s3}`);

/**
 * Creates the bucket (or finds it ours), retrying until `timeoutMs`: this is also the readiness check.
 * The AWS SDK runs in a child on the project's Node (scripts/lib/create-bucket.mjs says why).
 */
async function createBucket(endpoint, bucket, timeoutMs) {
  const script = fileURLToPath(new URL('./create-bucket.mjs', import.meta.url));
  const child = spawn(projectNode().execPath, [script, endpoint, bucket, String(timeoutMs)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A store that accepts the connection and never answers must not hang the set-up.
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 15_000);
  const [code] = await once(child, 'exit');
  clearTimeout(kill);
  return code === 0;
}

/** The Unix sockets weed makes in /tmp (named by its ports), which a SIGKILL leaves behind. */
function seaweedSockets(port = ports.s3) {
  const grpc = { master: port + 11_000, volume: port + 10_001, filer: port + 10_002, s3: port + 10_000 };
  return [
    `/tmp/seaweedfs-filer-${port + 2}.sock`,
    `/tmp/seaweedfs-s3-${port}.sock`,
    ...Object.entries(grpc).map(([name, p]) => `/tmp/seaweedfs-${name}-grpc-${p}.sock`),
  ];
}

/** A later start on the same ports would trip on stale sockets. */
function removeSeaweedSockets() {
  for (const socket of seaweedSockets()) rmSync(socket, { force: true });
}

/**
 * SeaweedFS (master, volume, filer and S3 gateway in one `weed server`) on 127.0.0.1, with the
 * bucket of `owner`'s profile. `holder` (a test run's pid) is recorded as a user before anything
 * else, so a run that is about to stop a test-owned SeaweedFS sees it is still needed.
 * @param {{ owner: 'dev' | 'test', holder?: number }} options
 * @returns {Promise<{ endpoint: string, bucket: string, started: boolean }>}
 */
export async function ensureS3({ owner, holder }) {
  const port = ports.s3;
  // weed's master listens on port+1000 and its gRPC on that +10000: both must be ports.
  if (port + 11_000 > 65_535) {
    throw new SetupError(
      `REELKIT_S3_PORT=${port} is too high: SeaweedFS also takes it +1000 and +11000`,
      'set REELKIT_S3_PORT to a free port of at most 54535',
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = S3_BUCKETS[owner];
  const run = seaweedRunDir();
  mkdirSync(join(run, 'users'), { recursive: true });
  if (holder) writeFileSync(join(run, 'users', String(holder)), '');
  // One set-up at a time decides whether to start it: two that both found the port closed would
  // both start one, and the second's clean-up of stale sockets would cut the first's own.
  return withMachineLock(
    join(run, 'starting'),
    () => startOrFindS3({ owner, port, endpoint, bucket, run }),
    (pid) => step(`waiting for process ${pid}, which is starting SeaweedFS`),
  );
}

async function startOrFindS3({ owner, port, endpoint, bucket, run }) {
  if (await portOpen(port)) {
    if (!(await createBucket(endpoint, bucket, 10_000))) {
      throw new SetupError(
        `port ${port} is taken by something that is not a SeaweedFS we can use`,
        'set REELKIT_S3_PORT to a free port (it also uses that port +1, +2 and +1000), or stop a SeaweedFS that no longer answers (npm stop)',
      );
    }
    // A dev stack now relies on it: no test run may stop it.
    if (owner === 'dev') writeFileSync(join(run, 'owner'), 'dev');
    ok(`SeaweedFS already running on 127.0.0.1:${port} (bucket ${bucket})`);
    return { endpoint, bucket, started: false };
  }
  const bin = ensureSeaweedFS();
  const dataDir = join(stateDir, 'seaweedfs');
  mkdirSync(dataDir, { recursive: true });
  removeSeaweedSockets();
  step(`starting SeaweedFS (S3 on 127.0.0.1:${port})`);
  const logFile = spawnDaemon(
    bin,
    [
      'server',
      `-dir=${dataDir}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-master.port=${port + 1000}`,
      '-master.telemetry=false',
      // Small volumes, as many as the disk allows: each bucket is a collection that grows several
      // volumes at once, which the default 8 slots of 30 GB would run out of.
      '-master.volumeSizeLimitMB=512',
      '-volume.max=0',
      `-volume.port=${port + 1}`,
      '-filer',
      `-filer.port=${port + 2}`,
      '-s3',
      `-s3.port=${port}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
    ],
    'seaweedfs',
    {
      // weed makes these its admin identity, so requests must be signed with them.
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: LOCAL_S3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3.secretAccessKey,
      },
      pidFile: join(run, 'pid'),
    },
  );
  writeFileSync(join(run, 'owner'), owner);
  writeFileSync(join(run, 'state-dir'), stateDir);
  if (!(await createBucket(endpoint, bucket, 60_000))) {
    await stopSeaweedFS();
    throw new SetupError('SeaweedFS did not answer S3 within 60 s', `read ${logFile}`);
  }
  ok(`SeaweedFS started, S3 on ${endpoint} (bucket ${bucket})`);
  return { endpoint, bucket, started: true };
}

/**
 * Stops the SeaweedFS on our port. weed does not exit within 5 s of SIGTERM (its servers stop
 * one after the other), so it gets 10 s, then its process group is killed; then its sockets go.
 */
async function stopSeaweedFS() {
  const run = seaweedRunDir();
  const pidFile = join(run, 'pid');
  const pid = pidAlive(pidFile);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && pidAlive(pidFile); i++) await sleep(100);
    if (pidAlive(pidFile)) {
      try {
        process.kill(-pid, 'SIGKILL'); // detached: its own process group
      } catch {
        process.kill(pid, 'SIGKILL');
      }
      for (let i = 0; i < 50 && pidAlive(pidFile); i++) await sleep(100);
    }
  }
  rmSync(pidFile, { force: true });
  rmSync(join(run, 'owner'), { force: true });
  rmSync(join(run, 'state-dir'), { force: true });
  removeSeaweedSockets();
  return pid;
}

/** Test runs (pids) still using the SeaweedFS; forgets those that are gone. */
function liveSeaweedUsers() {
  const dir = join(seaweedRunDir(), 'users');
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    try {
      process.kill(Number(name), 0);
      return true;
    } catch {
      rmSync(join(dir, name), { force: true });
      return false;
    }
  });
}

/**
 * A test run (`holder`) is done with SeaweedFS. If a test run started it and no other run still
 * uses it, it is stopped: `npm test` leaves no SeaweedFS behind that it started. One a dev stack
 * started (or uses) keeps running, like Redis.
 */
export async function releaseS3(holder) {
  const run = seaweedRunDir();
  rmSync(join(run, 'users', String(holder)), { force: true });
  let owner;
  try {
    owner = readFileSync(join(run, 'owner'), 'utf8').trim();
  } catch {
    return; // not started by these scripts
  }
  if (owner !== 'test') return;
  // Not while another set-up is deciding to use it (it is a user once it holds the lock).
  const pid = await withMachineLock(join(run, 'starting'), async () =>
    liveSeaweedUsers().length > 0 ? undefined : stopSeaweedFS(),
  );
  if (pid) ok(`stopped SeaweedFS (pid ${pid}), which this test run started`);
}

/** Stops the services this state folder started. */
export async function stopServices() {
  for (const [name, pidFile] of [
    ['redis', join(stateDir, 'redis', 'redis.pid')],
    ['ferretdb', join(stateDir, 'ferretdb.pid')],
    ['mongod', join(stateDir, 'mongod.pid')],
  ]) {
    const pid = pidAlive(pidFile);
    if (!pid) continue;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && pidAlive(pidFile); i++) await sleep(100);
    rmSync(pidFile, { force: true });
    ok(`stopped ${name} (pid ${pid})`);
  }
  let weedStateDir;
  try {
    weedStateDir = readFileSync(join(seaweedRunDir(), 'state-dir'), 'utf8');
  } catch {
    // not started by these scripts
  }
  if (weedStateDir === stateDir) {
    const weed = await stopSeaweedFS();
    if (weed) ok(`stopped SeaweedFS (pid ${weed})`);
  }
}
