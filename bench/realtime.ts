// `npm run bench:realtime`: latency from publishing a `video:progress` event to a socket.io client
// receiving it, (a) from a publisher with no socket.io server, through Redis and the server's
// Redis adapter (how the transcoder results handler publishes), against (b) a direct local
// `io.emit` on the server the client is connected to (no Redis). One event in flight at a time,
// the two paths alternating in blocks so drift on a shared machine hits both alike. Loopback only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VideoProgressEvent } from '@reelkit/protocol';
import { pino } from 'pino';
import { io as connect } from 'socket.io-client';
import { createTokenService } from '../packages/server/src/auth/tokens.js';
import { createRealtime, createRealtimePublisher, orgRoom } from '../packages/server/src/events/index.js';
import { parsePlaybackKeys } from '../packages/server/src/playback/playback-keys.js';
import { createPlaybackTokens } from '../packages/server/src/playback/playback-tokens.js';
import { createRedis } from '../packages/server/src/redis.js';
import { machineLine, writeBenchmarkSection, testServices } from './lib/report.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const BLOCK = 250;
const WARMUP = 200;

const { REDIS_URL } = testServices();
const prefix = `reelkit-bench-rt-${process.pid}`;
const orgId = 'a'.repeat(24);
const secret = 'bench-secret-'.repeat(4);

const serverRedis = createRedis(REDIS_URL, 'bench-realtime-server');
const publisherRedis = createRedis(REDIS_URL, 'bench-realtime-publisher');
const httpServer = createServer();
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const realtime = createRealtime({
  httpServer,
  redis: serverRedis,
  redisPrefix: prefix,
  tokens: createTokenService({ secret, accessTtlSeconds: 3600, refreshTtlSeconds: 3600 }),
  playbackTokens: createPlaybackTokens({ keyring: parsePlaybackKeys(`b1:${secret}`) }),
  loadSnapshot: async () => [],
  logger: pino({ level: 'warn' }),
});
const publisher = createRealtimePublisher({ redis: publisherRedis, redisPrefix: prefix });
const token = createTokenService({ secret, accessTtlSeconds: 3600, refreshTtlSeconds: 3600 }).signAccess({
  sub: 'b'.repeat(24),
  orgId,
  role: 'viewer',
  ver: 0,
}).token;
const { port } = httpServer.address() as AddressInfo;
const client = connect(`http://127.0.0.1:${port}`, {
  auth: { token },
  transports: ['websocket'],
  reconnection: false,
});
await new Promise<void>((resolve, reject) => {
  client.once('connect', resolve);
  client.once('connect_error', reject);
});
// Let the adapter's pattern subscription settle before measuring.
await new Promise((r) => setTimeout(r, 200));

let pending: { seq: number; resolve: (t: number) => void } | undefined;
client.on('video:progress', (e: VideoProgressEvent) => {
  if (pending && e.percent === pending.seq % 101 && e.videoId === String(pending.seq).padStart(24, '0')) {
    pending.resolve(performance.now());
  }
});

type Path = 'redis' | 'direct';
let seq = 0;
async function once(path: Path): Promise<number> {
  seq += 1;
  const payload: VideoProgressEvent = {
    videoId: String(seq).padStart(24, '0'),
    stage: 'transcode',
    percent: seq % 101,
  };
  const received = new Promise<number>((resolve) => (pending = { seq, resolve }));
  const t0 = performance.now();
  if (path === 'redis') publisher.publish('video:progress', payload, { orgId });
  else realtime.io.local.to(orgRoom(orgId)).emit('video:progress', payload);
  const t1 = await received;
  return t1 - t0;
}

for (let i = 0; i < WARMUP; i++) {
  await once('redis');
  await once('direct');
}
const samples: Record<Path, number[]> = { redis: [], direct: [] };
for (let done = 0; done < EVENTS; done += BLOCK) {
  for (const path of ['redis', 'direct'] as const) {
    for (let i = 0; i < Math.min(BLOCK, EVENTS - done); i++) samples[path].push(await once(path));
  }
}

// Throughput: every event published at once from the separate publisher, until the last arrives.
let burstReceived = 0;
const burstDone = new Promise<number>((resolve) => {
  client.on('video:created', () => {
    burstReceived += 1;
    if (burstReceived === EVENTS) resolve(performance.now());
  });
});
const burstStart = performance.now();
for (let i = 0; i < EVENTS; i++) {
  publisher.publish(
    'video:created',
    { videoId: String(i).padStart(24, '0'), title: 't', status: 'queued' },
    { orgId },
  );
}
const burstMs = (await burstDone) - burstStart;

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (v: number) => `${v.toFixed(3)} ms`;
const row = (name: string, xs: number[]) =>
  `| ${name} | ${xs.length} | ${ms(q(xs, 50))} | ${ms(q(xs, 95))} | ${ms(q(xs, 99))} | ${ms(xs.reduce((a, b) => a + b, 0) / xs.length)} |`;

const body = `
\`npm run bench:realtime\`, run ${new Date().toISOString().slice(0, 10)}; ${machineLine()}.

One server with socket.io and the Redis adapter, one socket.io-client (websocket) with an access
token in the org room, Redis on 127.0.0.1:6380, all on loopback. Latency from publishing one
\`video:progress\` to the client's handler, one event in flight at a time, ${WARMUP} warm-up events
per path, the two paths alternating in blocks of ${BLOCK}. "Through Redis" is
\`createRealtimePublisher\` on its own Redis connection (no socket.io server, as a job-results
handler publishes): PUBLISH → Redis → the server's adapter subscriber → the socket. "Direct" is
\`io.local.to(room).emit\` on the server the client is connected to.

| path | events | p50 | p95 | p99 | mean |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('through Redis (separate publisher)', samples.redis)}
${row('direct io.emit (same process, no Redis)', samples.direct)}

Redis adds **${ms(q(samples.redis, 50) - q(samples.direct, 50))}** at p50 and
${ms(q(samples.redis, 95) - q(samples.direct, 95))} at p95. Burst: ${EVENTS} events published at once through Redis
arrived in ${burstMs.toFixed(0)} ms (**${Math.round(EVENTS / (burstMs / 1000))} events/s** to one client).
`;
console.log(body);
if (process.env.BENCH_WRITE !== '0') await writeBenchmarkSection('## Realtime', body);

client.close();
await realtime.close();
httpServer.close();
serverRedis.disconnect();
publisherRedis.disconnect();
