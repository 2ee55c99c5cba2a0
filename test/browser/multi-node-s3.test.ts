// Several machines, simulated: two API processes and two transcoder workers, each with a scratch
// folder of its own and no shared media folder, on the run's Redis, database and SeaweedFS (S3).
// An upload goes in through A (tus PATCHes alternating A/B), a worker is killed -9 mid-job and the
// other finishes it, hls.js in Chromium plays through B's signed URLs, B serves byte-exact ranges,
// a socket.io client on B sees the events, and a delete through A empties the bucket of the video.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Storage } from '@reelkit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../packages/server/test/support/realtime-client.js';
import { call, freePort, pollVideoStatus, signup } from '../support/api-client.js';
import type { StaticSite, TestBrowser } from '../support/browser.js';
import { playWithHlsJs } from '../support/hls-page.js';
import { makeClip } from '../support/clips.js';
import { startTs, type Proc } from '../support/processes.js';
import { isolatedStack, s3StackEnv, s3TestStorage, stackEnv } from '../support/stack-env.js';
import { tusCreate, tusPatch } from '../support/tus-requests.js';

const NAME = 'mn';
const WORKER_ENV = { X264_PRESET: 'ultrafast', HLS_SEGMENT_S: '2', LOCK_DURATION_MS: '4000' };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('two API processes and two workers on S3, sharing no folder', { timeout: 300_000 }, () => {
  const s3 = s3StackEnv(NAME);
  const root = mkdtempSync(join(tmpdir(), 'reelkit-multinode-'));
  /** Media folders each process is told of, which must never come to exist. */
  const mediaFolders: string[] = [];
  const env = (role: string) => {
    const media = join(root, `${role}-media-never`);
    mediaFolders.push(media);
    return {
      ...stackEnv(),
      ...isolatedStack(NAME),
      ...s3,
      STORAGE_DIR: media,
      STATE_DIR: join(root, `${role}-state`),
      JWT_SECRET: 'm'.repeat(40),
      PLAYBACK_KEYS: `k1:${'q'.repeat(40)}`,
      RATE_LIMIT_AUTH_IP_PER_MIN: '100000',
      RATE_LIMIT_AUTH_ACCOUNT_PER_MIN: '100000',
    };
  };
  let a: { proc: Proc; url: string };
  let b: { proc: Proc; url: string };
  const workers: Proc[] = [];
  let bucket: S3Storage;
  let browser: TestBrowser | undefined;
  let site: StaticSite | undefined;
  let client: TestClient | undefined;

  async function startApi(role: string) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = startTs('packages/server/src/main.ts', {
      ...env(role),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
    });
    await proc.waitFor(/"msg":"listening"/, 120_000);
    return { proc, url };
  }
  const startWorker = (role: string) =>
    startTs('packages/transcoder/src/main.ts', {
      ...env(role),
      ...WORKER_ENV,
      SCRATCH_DIR: join(root, `${role}-scratch`),
    });

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi('api-a'), startApi('api-b')]);
    bucket = s3TestStorage(s3.S3_PREFIX!);
  }, 180_000);
  afterAll(async () => {
    client?.close();
    await browser?.close();
    await site?.close();
    for (const w of workers) await w.stop('SIGKILL');
    await Promise.all([a?.proc.stop('SIGTERM', 20_000), b?.proc.stop('SIGTERM', 20_000)]);
    bucket?.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('upload via A/B, kill -9 mid-job, play and range through B, events on B, delete via A', async () => {
    const admin = await signup(a.url, 'Multi-node');
    const auth = { authorization: `Bearer ${admin.accessToken}` };
    const clip = await readFile(await makeClip({ width: 1280, height: 720, seconds: 20, fps: 25 }));

    // tus: created on A, PATCHes alternating A, B, A, B.
    const created = await tusCreate(a.url, auth, clip.length);
    expect(created.status).toBe(201);
    const path = created.headers.get('location')!;
    const id = created.headers.get('reelkit-video-id')!;
    client = await connectClient(b.url, admin.accessToken);
    const step = Math.ceil(clip.length / 4);
    for (let i = 0, offset = 0; offset < clip.length; i++) {
      const api = i % 2 === 0 ? a : b;
      const chunk = clip.subarray(offset, offset + step);
      const res = await tusPatch(`${api.url}${path}`, auth, offset, chunk);
      expect(res.status, await res.text()).toBe(204);
      offset += chunk.length;
    }
    const source = `${admin.orgId}/${id}/source`;
    const stored: Buffer[] = [];
    for await (const c of bucket.read(source)) stored.push(c as Buffer);
    expect(sha256(Buffer.concat(stored))).toBe(sha256(clip));

    // The job runs on one worker; that worker is killed -9 mid-job, the other finishes it.
    const first = startWorker('worker-1');
    const second = startWorker('worker-2');
    workers.push(first, second);
    await Promise.all([first.waitFor(/worker ready/, 120_000), second.waitFor(/worker ready/, 120_000)]);
    // The first line a worker logs for a job (`ladder chosen`) comes before ffmpeg starts.
    const started = new RegExp(`"jobId":"${id}"`);
    const taker = await Promise.race(
      [first, second].map((w) => w.waitFor(started, 240_000).then(() => w)),
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${[a.proc, b.proc].map((p) => p.output()).join('\n')}`);
    });
    expect(taker.output()).not.toMatch(/"msg":"transcoded"/); // killed mid-job
    expect(await taker.stop('SIGKILL')).toBe('SIGKILL');
    const survivor = taker === first ? second : first;
    const ready = await pollVideoStatus(b.url, admin.accessToken, id, ['ready', 'failed'], 240_000);
    expect(ready.status, JSON.stringify(ready.error)).toBe('ready');
    expect(survivor.output()).toMatch(new RegExp(`"videoId":"${id}"[^\\n]*"msg":"transcoded"`));
    // Events published by whichever API applied the result reached the client on B.
    await client.waitFor((e) => e.event === 'video:ready', 30_000);
    expect(client.events.some((e) => e.event === 'video:progress')).toBe(true);

    // hls.js in Chromium plays through B's signed URLs.
    const playback = await call(b.url, 'GET', `/v1/videos/${id}/playback`, { token: admin.accessToken });
    expect(playback.status).toBe(200);
    const master = playback.body.hls as string;
    expect(master.startsWith(`${b.url}/v1/play/`)).toBe(true);
    const played = await playWithHlsJs(master);
    ({ site, browser } = played);
    expect(played.result.fatal, browser.logs.join('\n')).toBeUndefined();
    expect(played.result.fragments).toBeGreaterThan(1);

    // /file from B: ranges byte-exact against the object in the bucket.
    const objects = await bucket.list(`${admin.orgId}/${id}/`);
    const mp4Key = objects.find((k) => /\/mp4\/\d+p\.mp4$/.test(k))!;
    expect(mp4Key).toBeDefined();
    const mp4Parts: Buffer[] = [];
    for await (const c of bucket.read(mp4Key)) mp4Parts.push(c as Buffer);
    const mp4 = Buffer.concat(mp4Parts);
    for (const [start, end] of [
      [0, 1023],
      [Math.floor(mp4.length / 2), Math.floor(mp4.length / 2) + 65_535],
      [mp4.length - 100, mp4.length - 1],
    ] as const) {
      const res = await fetch(`${b.url}/v1/videos/${id}/file`, {
        headers: { ...auth, range: `bytes=${start}-${end}` },
      });
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer()).equals(mp4.subarray(start, end + 1))).toBe(true);
    }

    // Delete through A: every object of the video goes.
    expect(objects.length).toBeGreaterThan(5);
    expect((await call(a.url, 'DELETE', `/v1/videos/${id}`, { token: admin.accessToken })).status).toBe(204);
    expect(await bucket.list(`${admin.orgId}/${id}/`)).toEqual([]);
    for (const folder of mediaFolders) expect(existsSync(folder), folder).toBe(false);
  });
});
