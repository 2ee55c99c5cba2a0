// `npm run bench:range`: the progressive file route against nginx (sendfile on) for 1 MiB ranges,
// side by side with wrk on loopback, and the throughput and peak RSS of a large multipart upload.
// Writes its section of docs/benchmarks.md. Needs nginx (Debian nginx-light) and wrk.
//
// The server under test runs in a child process (this file with `serve`): only the video routes,
// a fixed bench principal, real MongoDB/FerretDB, Redis and disk.
//
// Knobs: BENCH_UPLOAD_MIB (default 2048, the issue's 2 GiB), BENCH_SECONDS per wrk run (10),
// BENCH_NODE_OPTIONS for the server child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
// BENCH_TRACE_MEMORY=1 to print the server's memory every 2 s.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNginx } from '../test/support/nginx.js';
import { makeSource, rssMiB, uploadMultipart } from './lib/multipart-upload.js';
import {
  benchServerEnv,
  removeBenchState,
  runWrk,
  writeBenchmarkSection,
  type WrkResult,
} from './lib/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 2048);
const WRK_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WRK_CONNECTIONS = 8;
const ORG = '650000000000000000000001';

if (process.argv[2] === 'serve') await serve();
else if (process.argv[2] === 'bare') await serveBare(process.argv[3] ?? '');
else await main();

/** The ceiling of Node itself: node:http + createReadStream(1 MiB) piped, no framework, no database. */
async function serveBare(file: string): Promise<void> {
  const size = (await import('node:fs')).statSync(file).size;
  const http = createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const start = Number(m?.[1] ?? 0);
    const end = Math.min(Number(m?.[2] ?? size - 1), size - 1);
    res.writeHead(m ? 206 : 200, {
      'content-type': 'video/mp4',
      'content-length': end - start + 1,
      ...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    createReadStream(file, { start, end, highWaterMark: MiB }).pipe(res);
  }).listen(0, '127.0.0.1');
  await once(http, 'listening');
  const address = http.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
}

async function serve(): Promise<void> {
  const Koa = (await import('koa')).default;
  const { createStorage } = await import('@reelkit/storage');
  const server = await import('../packages/server/src/index.js');
  const { errorHandler } = await import('../packages/server/src/http/error-handler.js');
  const { requestId } = await import('../packages/server/src/http/request-id.js');
  const videos = await import('../packages/server/src/videos/index.js');
  const config = server.loadServerConfig(process.env);
  const logger = server.createLogger({ level: 'warn', name: 'bench' });
  const db = await server.connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  const redis = server.createRedis(config.REDIS_URL, 'bench');
  const queue = videos.createTranscodeQueue({ connection: redis, prefix: config.REDIS_PREFIX });
  const app = new Koa();
  app.silent = true;
  app.use(requestId());
  app.use(errorHandler({ logger, development: false }));
  const { router } = videos.videoRouter({
    config,
    db,
    redis,
    // The driver the environment names: bench:range-s3 runs this same server on S3.
    storage: createStorage(config),
    queue,
    authenticate: async (ctx, next) => {
      ctx.state.principal = { kind: 'user', userId: 'bench', orgId: ORG, role: 'admin', via: 'bearer' };
      await next();
    },
    authorize: () => async (_ctx, next) => next(),
    logger,
  });
  app.use(router.routes());
  const http = createServer(app.callback());
  // As the product's listen.ts: no bound on a whole request. Node's default (300 s) cut a 2 GiB
  // upload on a loaded machine mid-body (the client saw EPIPE).
  http.requestTimeout = 0;
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  // Exit cleanly on SIGTERM, so `--cpu-prof` in BENCH_NODE_OPTIONS writes its profile.
  process.once('SIGTERM', () => process.exit(0));
  if (process.env.BENCH_TRACE_MEMORY) {
    setInterval(() => {
      const m = process.memoryUsage();
      const f = (n: number) => (n / 1048576).toFixed(0);
      console.error(
        `  [serve] rss ${f(m.rss)} heap ${f(m.heapUsed)}/${f(m.heapTotal)} external ${f(m.external)} MiB`,
      );
    }, 2000).unref();
  }
  const address = http.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
}

async function main(): Promise<void> {
  const { work, storageDir, env } = await benchServerEnv('range');
  const children: ChildProcess[] = [];
  let stopNginx = async () => {};
  try {
    const source = join(work, 'source.mp4');
    console.log(`making a ${UPLOAD_MIB} MiB source…`);
    await makeSource(source, UPLOAD_MIB);
    const size = UPLOAD_MIB * MiB;

    const startChild = async (...args: string[]) => {
      const child = spawn(
        process.execPath,
        [
          ...(process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
          '--conditions=source',
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          ...args,
        ],
        { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      const childPort = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}`)));
      });
      return { child, port: childPort };
    };
    const { child: server, port } = await startChild('serve');

    console.log(`uploading ${UPLOAD_MIB} MiB…`);
    const up = await uploadMultipart(port, source, size, server.pid!);
    const uploadMiBs = UPLOAD_MIB / up.seconds;
    console.log(
      `upload: ${uploadMiBs.toFixed(0)} MiB/s, RSS ${up.baseline.toFixed(0)} → peak ${up.peak.toFixed(0)} MiB`,
    );

    const stored = join(storageDir, ORG, up.id, 'source');
    if (!existsSync(stored)) throw new Error('the upload is not in storage');
    const nginxServer = await startNginx(`location = /file { default_type video/mp4; alias ${stored}; }`);
    stopNginx = () => nginxServer.stop();
    const bare = await startChild('bare', stored);

    const ranges = Math.floor(size / MiB);
    const script = join(work, 'range.lua');
    await writeFile(
      script,
      `math.randomseed(42)
request = function()
  local start = math.random(0, ${ranges - 1}) * ${MiB}
  wrk.headers["Range"] = "bytes=" .. start .. "-" .. (start + ${MiB - 1})
  return wrk.format(nil)
end
`,
    );
    // Warm the page cache and both servers, then measure each in turn.
    spawnSync('cat', [stored], { stdio: ['ignore', 'ignore', 'ignore'] });
    const nodeUrl = `http://127.0.0.1:${port}/v1/videos/${up.id}/file`;
    const nginxUrl = `${nginxServer.url}/file`;
    const bareUrl = `http://127.0.0.1:${bare.port}/file`;
    for (const url of [nodeUrl, nginxUrl, bareUrl])
      spawnSync('wrk', ['-t1', '-c2', '-d2s', '-s', script, url]);
    // The upload just wrote hundreds of MiB: let the page cache settle before measuring, and
    // alternate the servers over two rounds so drift on a shared machine hits all of them.
    spawnSync('sync');
    const rounds: Array<{ reelkit: WrkResult; nginx: WrkResult; bareNode: WrkResult }> = [];
    for (let round = 0; round < 2; round++) {
      console.log(`wrk round ${round + 1}: reelkit, nginx, bare node…`);
      const reelkitRound = runWrk(nodeUrl, { seconds: WRK_SECONDS, connections: WRK_CONNECTIONS, script });
      console.log(`  Reelkit RSS after its run: ${rssMiB(server.pid!).toFixed(0)} MiB`);
      rounds.push({
        reelkit: reelkitRound,
        nginx: runWrk(nginxUrl, { seconds: WRK_SECONDS, connections: WRK_CONNECTIONS, script }),
        bareNode: runWrk(bareUrl, { seconds: WRK_SECONDS, connections: WRK_CONNECTIONS, script }),
      });
    }
    const mean = (pick: (r: (typeof rounds)[number]) => WrkResult): WrkResult => {
      const rs = rounds.map(pick);
      return {
        ...rs[rs.length - 1]!,
        requestsPerSec: rs.reduce((a, r) => a + r.requestsPerSec, 0) / rs.length,
        mibPerSec: rs.reduce((a, r) => a + r.mibPerSec, 0) / rs.length,
      };
    };
    const reelkit = mean((r) => r.reelkit);
    const nginx = mean((r) => r.nginx);
    const bareNode = mean((r) => r.bareNode);
    for (const [i, r] of rounds.entries()) {
      console.log(
        `round ${i + 1}: reelkit ${r.reelkit.mibPerSec.toFixed(0)}, nginx ${r.nginx.mibPerSec.toFixed(0)}, bare ${r.bareNode.mibPerSec.toFixed(0)} MiB/s`,
      );
    }
    const ratio = reelkit.mibPerSec / nginx.mibPerSec;
    console.log({ reelkit, nginx, bareNode, ratio });
    if (reelkit.non2xx || nginx.non2xx || bareNode.non2xx) throw new Error('non-2xx answers during the run');
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');

    await writeSection({ up, uploadMiBs, reelkit, nginx, bareNode, ratio, load });
  } finally {
    await stopNginx();
    for (const c of children.reverse()) {
      c.kill('SIGTERM');
      if (c.exitCode === null) await once(c, 'exit');
    }
    await removeBenchState(env, work);
  }
}

async function writeSection(r: {
  up: { seconds: number; baseline: number; peak: number };
  uploadMiBs: number;
  reelkit: WrkResult;
  nginx: WrkResult;
  bareNode: WrkResult;
  ratio: number;
  load: string;
}): Promise<void> {
  const path = join(root, 'docs/benchmarks.md');
  const heading = '## Range streaming and uploads (`npm run bench:range`)';
  const cpu = /model name\s*:\s*(.*)/.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const row = (name: string, w: WrkResult) =>
    `| ${name} | ${w.requestsPerSec.toFixed(0)} | ${w.mibPerSec.toFixed(0)} | ${w.p50} | ${w.p99} |`;
  const section = `${heading}

Run ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${process.env.BENCH_CORES ?? '2'} cores shared with other work, Node ${process.version}, loopback.

**1 MiB ranges.** \`wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s\` per server, two alternating rounds after a \`sync\` (mean shown), each request a random 1 MiB-aligned \`Range: bytes=a-(a+1MiB-1)\`
of the same ${UPLOAD_MIB} MiB file (in the page cache): \`GET /v1/videos/:id/file\` (auth middleware, the
video document from the 2 s file cache, \`LocalStorage.openReader\`: a descriptor shared for 1 s and
pooled 1 MiB read buffers written straight to the socket) against nginx (\`nginx-light\`,
\`worker_processes 1\`, \`sendfile on\`) serving the file directly.

| server | requests/s | MiB/s | p50 | p99 |
| ------ | ---------: | ----: | --: | --: |
${row('Reelkit', r.reelkit)}
${row('nginx', r.nginx)}
${row('bare Node (node:http + createReadStream, no framework, no database)', r.bareNode)}

Reelkit / nginx: **${r.ratio.toFixed(2)}×** (target ≥ 0.8×); bare Node / nginx: ${(r.bareNode.mibPerSec / r.nginx.mibPerSec).toFixed(2)}×.
Load average at the end of the run: ${r.load} (the machine was shared).

**Upload.** One ${UPLOAD_MIB} MiB multipart \`POST /v1/videos\` (streamed from disk by the client; sniffed, hashed with
sha256 and written to storage on the way): ${r.up.seconds.toFixed(1)} s, **${r.uploadMiBs.toFixed(0)} MiB/s**. Server RSS
${r.up.baseline.toFixed(0)} MiB before, ${r.up.peak.toFixed(0)} MiB at peak: **+${(r.up.peak - r.up.baseline).toFixed(0)} MiB** (target < 100 MB).
${UPLOAD_MIB < 2048 ? `The issue asks for 2 GiB; this run used ${UPLOAD_MIB} MiB (\`BENCH_UPLOAD_MIB\`).` : ''}
`;
  await writeBenchmarkSection(heading, section.slice(heading.length));
  console.log(`wrote ${path}`);
}
