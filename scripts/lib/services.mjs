// Starts Redis and the database on 127.0.0.1, once: a second call finds them running and starts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SetupError, ok, step } from './log.mjs';
import { ensureFerretDB, which } from './install.mjs';
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

function spawnDaemon(bin, args, name) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const out = openSync(logFile, 'a');
  // Detached, own process group, no inherited pipes: the daemon outlives this script and never
  // holds the caller's stdout open (a CI runner waiting for EOF would hang otherwise).
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(join(stateDir, `${name}.pid`), String(child.pid));
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
}
