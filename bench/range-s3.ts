// `npm run bench:range-s3`: the progressive file route on the S3 driver (the test SeaweedFS) for
// 1 MiB ranges, side by side with a direct ranged GET of the same object from SeaweedFS's S3
// endpoint (a presigned URL, so wrk needs no signing), and the server's RSS during a large multipart
// upload and a large tus upload into S3. Writes its section of docs/benchmarks.md. Needs wrk.
//
// The server under test is bench/range.ts's `serve` child (only the video routes, a fixed bench
// principal) with STORAGE=s3. Knobs: BENCH_UPLOAD_MIB (default 2048), BENCH_SECONDS per wrk run
// (10), BENCH_ROUNDS of route + direct, their order alternating (4).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Storage } from '@reelkit/storage';
// The signer the AWS SDK itself uses (a dependency of @aws-sdk/client-s3): presigns the direct GET.
import { SignatureV4 } from '@smithy/signature-v4';
import { makeSource, uploadMultipart, uploadTus } from './lib/multipart-upload.js';
import {
  benchServerEnv,
  machineLine,
  runWrk,
  removeBenchState,
  testServices,
  writeBenchmarkSection,
  type WrkResult,
} from './lib/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 2048);
const WRK_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const WRK_CONNECTIONS = 8;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const ORG = '650000000000000000000001';

/** node:crypto in the shape the signer asks for. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {}
}

async function presignedGet(s3: Record<string, string>, key: string): Promise<string> {
  const endpoint = new URL(s3.S3_ENDPOINT!);
  const signer = new SignatureV4({
    service: 's3',
    region: s3.S3_REGION!,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY_ID!, secretAccessKey: s3.S3_SECRET_ACCESS_KEY! },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const path = `/${s3.S3_BUCKET}/${key}`;
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path,
      query: {},
      // A presigned S3 URL signs no payload; the marker stays out of the query and the signature.
      headers: { host: endpoint.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    },
    {
      expiresIn: 3600,
      unsignableHeaders: new Set(['x-amz-content-sha256']),
      unhoistableHeaders: new Set(['x-amz-content-sha256']),
    },
  );
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  return `${endpoint.origin}${path}?${query}`;
}

async function main(): Promise<void> {
  const services = testServices('test');
  const { work, env } = await benchServerEnv('range-s3');
  const prefix = `bench-range-${Date.now().toString(36)}/`;
  const s3 = {
    STORAGE: 's3',
    S3_ENDPOINT: services.S3_ENDPOINT!,
    S3_REGION: services.S3_REGION!,
    S3_BUCKET: services.S3_BUCKET!,
    S3_PREFIX: prefix,
    S3_ACCESS_KEY_ID: services.S3_ACCESS_KEY_ID!,
    S3_SECRET_ACCESS_KEY: services.S3_SECRET_ACCESS_KEY!,
    S3_FORCE_PATH_STYLE: 'true',
  };
  const bucket = new S3Storage({
    bucket: s3.S3_BUCKET,
    endpoint: s3.S3_ENDPOINT,
    region: s3.S3_REGION,
    prefix,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY_ID, secretAccessKey: s3.S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  });
  let server: ChildProcess | undefined;
  try {
    const source = join(work, 'source.mp4');
    console.log(`making a ${UPLOAD_MIB} MiB source…`);
    await makeSource(source, UPLOAD_MIB);
    const size = UPLOAD_MIB * MiB;
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(root, 'bench/range.ts'), 'serve'],
      { cwd: root, env: { ...env, ...s3 }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    server = child;
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });

    console.log(`uploading ${UPLOAD_MIB} MiB to S3 storage…`);
    const up = await uploadMultipart(port, source, size, child.pid!);
    const uploadMiBs = UPLOAD_MIB / up.seconds;
    console.log(
      `upload: ${uploadMiBs.toFixed(0)} MiB/s, RSS ${up.baseline.toFixed(0)} → peak ${up.peak.toFixed(0)} MiB`,
    );
    console.log(`tus-uploading ${UPLOAD_MIB} MiB to S3 storage…`);
    const tus = await uploadTus(port, source, size, child.pid!);
    const tusMiBs = UPLOAD_MIB / tus.seconds;
    console.log(
      `tus: ${tusMiBs.toFixed(0)} MiB/s, RSS ${tus.baseline.toFixed(0)} → peak ${tus.peak.toFixed(0)} MiB`,
    );
    const key = `${ORG}/${up.id}/source`;
    if ((await bucket.stat(key))?.size !== size) throw new Error('the upload is not in the bucket');

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
    const routeUrl = `http://127.0.0.1:${port}/v1/videos/${up.id}/file`;
    const directUrl = await presignedGet(s3, `${prefix}${key}`);
    for (const url of [routeUrl, directUrl]) spawnSync('wrk', ['-t1', '-c2', '-d2s', '-s', script, url]);
    const loadBefore = load();
    const rounds: Array<{ route: WrkResult; direct: WrkResult; load: string }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating which goes first, so a neighbour's burst does not always land on one side.
      const routeFirst = round % 2 === 0;
      console.log(`wrk round ${round + 1}: ${routeFirst ? 'route, direct' : 'direct, route'}…`);
      const run = (url: string) =>
        runWrk(url, { seconds: WRK_SECONDS, connections: WRK_CONNECTIONS, script });
      const first = run(routeFirst ? routeUrl : directUrl);
      const second = run(routeFirst ? directUrl : routeUrl);
      rounds.push({
        route: routeFirst ? first : second,
        direct: routeFirst ? second : first,
        load: load(),
      });
      const last = rounds.at(-1)!;
      console.log(
        `  route ${last.route.mibPerSec.toFixed(0)} MiB/s, direct ${last.direct.mibPerSec.toFixed(0)} MiB/s, load ${last.load}`,
      );
    }
    const mean = (pick: (r: (typeof rounds)[number]) => WrkResult): WrkResult => ({
      ...pick(rounds.at(-1)!),
      requestsPerSec: rounds.reduce((a, r) => a + pick(r).requestsPerSec, 0) / rounds.length,
      mibPerSec: rounds.reduce((a, r) => a + pick(r).mibPerSec, 0) / rounds.length,
    });
    const route = mean((r) => r.route);
    const direct = mean((r) => r.direct);
    if (route.non2xx || direct.non2xx) throw new Error('non-2xx answers during the run');
    const ratio = route.mibPerSec / direct.mibPerSec;
    console.log({ route, direct, ratio });

    const row = (name: string, w: WrkResult) =>
      `| ${name} | ${w.requestsPerSec.toFixed(0)} | ${w.mibPerSec.toFixed(0)} | ${w.p50} | ${w.p99} |`;
    const heading = '## Ranges and uploads on S3 storage (`npm run bench:range-s3`)';
    await writeBenchmarkSection(
      heading,
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${machineLine()} (the machine was shared with other work).
SeaweedFS (the test store, \`weed server\` on the same machine) behind \`STORAGE=s3\`. Load average before
the range rounds ${loadBefore}.

**1 MiB ranges.** \`wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s\`, ${ROUNDS} rounds of both, which goes first
alternating (mean shown), each request a random 1 MiB-aligned range of the same ${UPLOAD_MIB} MiB object:
\`GET /v1/videos/:id/file\` on the S3 driver (auth middleware, the video document from the 2 s file cache,
\`S3Storage.openReader\`: size and date from a \`HeadObject\` cached for 1 s, then one ranged GET signed by the
driver's own SigV4 signer, sent on a pooled keep-alive socket without the AWS SDK, its response piped to the
client socket) against a ranged GET of the same object straight from SeaweedFS's S3 endpoint (presigned).

| path | requests/s | MiB/s | p50 | p99 |
| ---- | ---------: | ----: | --: | --: |
${row('Reelkit /file on S3', route)}
${row('SeaweedFS S3, direct', direct)}

Reelkit / direct: **${ratio.toFixed(2)}×** (target ≥ 0.8×: ${ratio >= 0.8 ? 'met' : 'not met'}). Per round (route / direct MiB/s, load
average after the round): ${rounds.map((r) => `${r.route.mibPerSec.toFixed(0)} / ${r.direct.mibPerSec.toFixed(0)} (${r.load})`).join('; ')}.

**Upload.** One ${UPLOAD_MIB} MiB multipart \`POST /v1/videos\` into S3 storage (sniffed, hashed, written as an
S3 multipart upload of 8 MiB parts, 2 in flight): ${up.seconds.toFixed(1)} s, **${uploadMiBs.toFixed(0)} MiB/s**.
Server RSS ${up.baseline.toFixed(0)} MiB before, ${up.peak.toFixed(0)} MiB at peak: **+${(up.peak - up.baseline).toFixed(0)} MiB**
(target < 100 MB: ${up.peak - up.baseline < 95 ? 'met' : 'not met'}).

**tus upload.** Then, in the same server, one ${UPLOAD_MIB} MiB tus upload as \`tus-js-client\` sends it with its
default \`chunkSize: Infinity\` (\`POST /v1/uploads\`, one PATCH of every byte kept as an object in the bucket,
then concatenated into \`source\`): ${tus.seconds.toFixed(1)} s, **${tusMiBs.toFixed(0)} MiB/s**. Server RSS
${tus.baseline.toFixed(0)} MiB before, ${tus.peak.toFixed(0)} MiB at peak: **+${(tus.peak - tus.baseline).toFixed(0)} MiB**
(target < 100 MB: ${tus.peak - tus.baseline < 95 ? 'met' : 'not met'}).${UPLOAD_MIB < 2048 ? ` The issue asks for 2 GiB; this run used ${UPLOAD_MIB} MiB (\`BENCH_UPLOAD_MIB\`).` : ''}
`,
    );
    console.log('wrote docs/benchmarks.md');
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await bucket
      .deletePrefix(`${ORG}/`)
      .catch((err: unknown) => console.error('could not empty', prefix, err));
    bucket.destroy();
    await removeBenchState(env, work);
  }
}

await main();
