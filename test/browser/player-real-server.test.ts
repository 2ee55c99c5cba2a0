// The SDK (the built IIFE, `window.Reelkit`) in Debian's Chromium against the real API (every route,
// socket.io, the results applier: test/support/api-server.ts `complete`) and a real transcoder
// worker process with ffmpeg. Videos are uploaded and transcoded during the run; nothing is faked.
// The page lives on another origin than the API, as on a customer's site.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRANSCODE_STAGES } from '@reelkit/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoModel } from '../../packages/server/src/videos/video-model.js';
import { call, type TestApi } from '../support/api-server.js';
import {
  SDK_IIFE,
  sendFile,
  startStaticServer,
  type StaticServer,
  type TestBrowser,
} from '../support/browser.js';
import { makeClip } from '../support/clips.js';
import { startCuttingProxy, type CuttingProxy } from '../support/cutting-proxy.js';
import { startTranscodingStack, type TranscodingStack } from '../support/transcoding-stack.js';
import { TRANSCODE_TEST_TIMEOUT_MS } from '../support/wait-for-transcode.js';

let stack: TranscodingStack;
let api: TestApi;
/** Added to the server's clock (not the browser's): tokens expire early in the server's eyes. */
let serverClockOffset = 0;
let site: StaticServer;
let browser: TestBrowser;
let admin: TranscodingStack['admin'];
/** A 24 s 640×360 upload, transcoded to 360p + 240p by the worker before the tests. */
let longVideo: string;
/** Files the static server hands to pages, by path. */
const files: Record<string, string> = {};

/** Every `/v1/play/…` response a page saw. */
interface PlayHit {
  at: number;
  status: number;
  token: string;
  file: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  if (!existsSync(SDK_IIFE)) throw new Error('Build the SDK first: npx rollup -c rollup.config.mjs');
  site = await startStaticServer([
    (_req, res, url) => {
      const file = files[url.pathname];
      if (!file) return false;
      sendFile(res, file);
      return true;
    },
  ]);
  // A Redis prefix and database of its own (under the run's, so teardown removes them): this
  // file's worker takes only this file's jobs, and this server touches no other file's videos.
  const [started, long] = await Promise.all([
    startTranscodingStack('p', {
      orgName: 'Player SDK Org',
      apiEnv: { CORS_ORIGINS: site.url },
      apiOptions: { now: () => Date.now() + serverClockOffset },
      workerEnv: { LOCK_DURATION_MS: '4000' },
    }),
    makeClip({ width: 640, height: 360, seconds: 24, fps: 25 }),
    makeClip({ width: 640, height: 360, seconds: 6, fps: 25 }),
    makeClip({ width: 640, height: 360, seconds: 12, fps: 25 }),
  ]);
  stack = started;
  ({ api, admin, browser } = stack);
  longVideo = await stack.uploadReady(long, 'Long');
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await stack?.stop();
  await site?.close();
});

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the IIFE global, typed loosely in tests
    Reelkit: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    player: any;
    /** Player events and media events (`media:<type>`), with the page clock. */
    events: Array<{ type: string; at: number; e?: unknown }>;
    /** How many playback tokens getToken minted. */
    mints: number;
  }
}

const video = (page: Page) =>
  page.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement;
    return { currentTime: v.currentTime, height: v.videoHeight, paused: v.paused };
  });
const eventsOf = (page: Page, type: string) =>
  page.evaluate((t) => window.events.filter((x) => x.type === t), type);

/**
 * Opens the test page and creates a player for `videoId` there, with a playback token of
 * `ttlSeconds` minted by the real API through the SDK's client, and a getToken that mints another.
 * Records player and media events in window.events and `/v1/play/` responses in `hits`.
 */
async function openPlayer(
  videoId: string,
  options: {
    ttlSeconds?: number;
    extra?: object;
    /** Give the player the minted `playback.hls` as `src`. */
    src?: boolean;
    /** Runs on the page before the player is created (e.g. to hold requests). */
    before?: (page: Page) => Promise<void>;
  } = {},
): Promise<{ page: Page; hits: PlayHit[] }> {
  const page = await browser.open(site.url);
  await options.before?.(page);
  const hits: PlayHit[] = [];
  page.on('response', (res) => {
    const m = /\/v1\/play\/([^/]+)\/[^/]+\/(.+)$/.exec(new URL(res.url()).pathname);
    if (m) hits.push({ at: Date.now(), status: res.status(), token: m[1]!, file: m[2]! });
  });
  await page.evaluate(
    async ({ videoId, apiBase, accessToken, ttlSeconds, extra, useSrc }) => {
      window.events = [];
      window.mints = 0;
      const client = new window.Reelkit.ReelkitClient({ apiBase, token: accessToken });
      const mint = () => {
        window.mints += 1;
        return client.videos.createPlaybackToken(videoId, { ttlSeconds });
      };
      const { token, playback } = await mint();
      const v = document.getElementById('v') as HTMLVideoElement;
      for (const type of ['waiting', 'playing', 'seeking', 'seeked']) {
        v.addEventListener(type, () =>
          window.events.push({ type: `media:${type}`, at: performance.now(), e: v.currentTime }),
        );
      }
      const player = window.Reelkit.createPlayer(v, {
        videoId,
        apiBase,
        token,
        getToken: mint,
        autoplay: true,
        ...(useSrc ? { src: playback.hls } : {}),
        ...extra,
      });
      for (const type of ['statechange', 'ready', 'levelchange', 'processing', 'error', 'tokenrenewed']) {
        player.on(type, (e: unknown) =>
          window.events.push({ type, at: performance.now(), e: JSON.parse(JSON.stringify(e)) }),
        );
      }
      window.player = player;
    },
    {
      videoId,
      apiBase: api.url,
      accessToken: admin.accessToken,
      ttlSeconds: options.ttlSeconds ?? 600,
      extra: options.extra ?? {},
      useSrc: options.src ?? false,
    },
  );
  return { page, hits };
}

const waitState = (page: Page, state: string, timeout = 20_000) =>
  page.waitForFunction((s) => window.player.state === s, state, { timeout });

async function closePlayer(page: Page): Promise<void> {
  await page.evaluate(() => window.player.destroy());
  await page.close();
}

describe('player SDK in Chromium against the real server and worker', () => {
  it('plays a transcoded video, switches quality and seeks', async () => {
    const { page, hits } = await openPlayer(longVideo);
    await waitState(page, 'playing');
    const start = (await video(page)).currentTime;
    await page.waitForFunction((t) => window.player.video.currentTime > t + 1, start, { timeout: 10_000 });
    const info = await page.evaluate(() => ({
      engine: window.player.engine,
      heights: window.player.levels.map((l: { height: number }) => l.height),
      current: window.player.currentLevel,
    }));
    expect(info.engine).toBe('hls.js');
    expect([...info.heights].sort((a, b) => a - b)).toEqual([240, 360]);
    expect(info.current).toBe('auto');

    // A fixed rung: hls.js's level, the player's levelchange event and the decoded picture agree.
    const low = info.heights.indexOf(240);
    await page.evaluate((i) => (window.player.currentLevel = i), low);
    await page.waitForFunction(
      (i) =>
        window.events.some(
          (x) =>
            x.type === 'levelchange' &&
            (x.e as { level?: { index: number }; auto: boolean }).level?.index === i &&
            !(x.e as { auto: boolean }).auto,
        ),
      low,
      { timeout: 15_000 },
    );
    expect(await page.evaluate(() => window.player.currentLevel)).toBe(low);
    expect(await page.evaluate(() => window.player.hls.currentLevel)).toBe(low);
    expect(await page.evaluate(() => window.player.playingLevel?.height)).toBe(240);
    await page.waitForFunction(() => window.player.video.videoHeight === 240, null, { timeout: 15_000 });
    expect(hits.some((h) => h.file.startsWith('hls/240p/seg_') && h.status === 200)).toBe(true);

    // Seek forward past what is buffered: it lands there and playback goes on.
    await page.evaluate(() => window.player.seek(15));
    await page.waitForFunction(() => window.events.some((x) => x.type === 'media:seeked'), null, {
      timeout: 10_000,
    });
    const [seeked] = await eventsOf(page, 'media:seeked');
    expect(seeked!.e as number).toBeGreaterThanOrEqual(14.9);
    expect(seeked!.e as number).toBeLessThan(15.5);
    await page.waitForFunction(() => window.player.video.currentTime > 16, null, { timeout: 10_000 });
    expect(await page.evaluate(() => window.player.state)).toBe('playing');

    expect(await eventsOf(page, 'error')).toEqual([]);
    expect(hits.filter((h) => h.status >= 400)).toEqual([]);
    await closePlayer(page);
  });

  it('given src, plays before the API has answered /playback', async () => {
    // The descriptor is held until the video plays: the start cannot have waited for it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let described = false;
    const { page, hits } = await openPlayer(longVideo, {
      src: true,
      ttlSeconds: 600,
      before: async (p) => {
        await p.route(/\/v1\/videos\/[^/]+\/playback(?:\?|$)/, async (route) => {
          await held;
          await route.continue();
          described = true;
        });
      },
    });
    try {
      await waitState(page, 'playing', 30_000);
      expect(described).toBe(false);
      expect(hits.some((h) => h.file === 'hls/master.m3u8' && h.status === 200)).toBe(true);
      expect(await page.evaluate(() => window.player.engine)).toBe('hls.js');
    } finally {
      release();
    }
    await page.waitForFunction(() => window.player.video.currentTime > 1, null, { timeout: 15_000 });
    expect((await eventsOf(page, 'error')).filter((x) => (x.e as { fatal: boolean }).fatal)).toEqual([]);
    await closePlayer(page);
  });

  it('renews a 10-second token mid-playback without a 403 or a stall', async () => {
    // A 6 s buffer keeps segments coming long after the first token has expired.
    const { page, hits } = await openPlayer(longVideo, {
      ttlSeconds: 10,
      extra: { hlsConfig: { maxBufferLength: 6, maxMaxBufferLength: 6 } },
    });
    await waitState(page, 'playing');
    const firstToken = hits.find((h) => h.file.includes('/seg_'))!.token;
    const firstExpiry = JSON.parse(Buffer.from(firstToken.split('.')[1]!, 'base64url').toString()).exp * 1000;
    const playingSince = Date.now();
    await page.waitForFunction(() => window.player.video.currentTime >= 17, null, { timeout: 30_000 });
    expect(Date.now() - playingSince).toBeGreaterThan(15_000);

    const renewed = await eventsOf(page, 'tokenrenewed');
    expect(renewed.length).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => window.mints)).toBeGreaterThanOrEqual(3);
    const segments = hits.filter((h) => h.file.includes('/seg_'));
    expect(new Set(segments.map((h) => h.token)).size).toBeGreaterThanOrEqual(3);
    // Segments were fetched after the first token's expiry, with later tokens, all answered.
    expect(segments.filter((h) => h.at > firstExpiry + 1000).length).toBeGreaterThan(2);
    expect(hits.filter((h) => h.status === 403)).toEqual([]);
    expect(hits.filter((h) => h.status >= 400)).toEqual([]);
    expect(await eventsOf(page, 'error')).toEqual([]);

    // No stall after the first frame: every `waiting` after the first `playing` (if any) is
    // followed by `playing` within 250 ms, and the player never went to `buffering`.
    const media = await page.evaluate(() => window.events.filter((x) => x.type.startsWith('media:')));
    const first = media.findIndex((x) => x.type === 'media:playing');
    let stalled = 0;
    for (let i = first + 1; i < media.length; i++) {
      if (media[i]!.type !== 'media:waiting') continue;
      const resumed = media.slice(i + 1).find((x) => x.type === 'media:playing');
      stalled += (resumed?.at ?? performance.now()) - media[i]!.at;
    }
    expect(stalled).toBeLessThan(250);
    const states = (await eventsOf(page, 'statechange')).map((x) => (x.e as { state: string }).state);
    expect(states.slice(states.indexOf('playing'))).not.toContain('buffering');
    await closePlayer(page);
  });

  it('answers a 403 for a token the server holds expired with one renewal and a retry', async () => {
    const { page, hits } = await openPlayer(longVideo, {
      ttlSeconds: 60,
      extra: { hlsConfig: { maxBufferLength: 6, maxMaxBufferLength: 6 } },
    });
    await waitState(page, 'playing');
    const firstToken = hits.find((h) => h.file.includes('/seg_'))!.token;
    // The server's clock jumps past the token's expiry; the browser's keeper still trusts it.
    serverClockOffset = 120_000;
    try {
      const at = (await video(page)).currentTime;
      await page.waitForFunction((t) => window.player.video.currentTime > t + 6, at, { timeout: 20_000 });
    } finally {
      serverClockOffset = 0;
    }
    const refused = hits.filter((h) => h.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((h) => h.token === firstToken)).toBe(true);
    const retried = hits.filter((h) => h.token !== firstToken);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((h) => h.status === 200)).toBe(true);
    // Concurrent refusals share one renewal: the first mint and exactly one more.
    expect(await page.evaluate(() => window.mints)).toBe(2);
    expect(await eventsOf(page, 'error')).toEqual([]);
    expect(await page.evaluate(() => window.player.state)).toBe('playing');
    await closePlayer(page);
  });

  it('follows a video uploaded during the test from processing to playing (socket.io)', async () => {
    const clip = await readFile(await makeClip({ width: 640, height: 360, seconds: 6, fps: 25 }));
    // tus creation: the video exists (status `uploading`) before a single byte is sent.
    const created = await call(api.url, 'POST', '/v1/uploads', {
      token: admin.accessToken,
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Length': String(clip.length),
        'Upload-Metadata': `filename ${Buffer.from('later.mp4').toString('base64')}`,
      },
    });
    expect(created.status, created.text).toBe(201);
    const videoId = created.headers.get('reelkit-video-id')!;

    // Polling only every minute: whatever makes it play within the test comes over socket.io.
    const { page } = await openPlayer(videoId, { extra: { pollIntervalMs: 60_000 } });
    await waitState(page, 'processing');

    const patched = await call(api.url, 'PATCH', `/v1/uploads/${videoId}`, {
      token: admin.accessToken,
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(clip),
    });
    expect(patched.status, patched.text).toBe(204);

    await waitState(page, 'playing', 60_000);
    const processing = (await eventsOf(page, 'processing')).map(
      (x) => x.e as { status: string; stage: string; percent: number },
    );
    const fromWorker = processing.filter((p) => (TRANSCODE_STAGES as readonly string[]).includes(p.stage));
    expect(fromWorker.length, JSON.stringify(processing)).toBeGreaterThan(0);
    for (const p of processing) {
      expect(p.percent).toBeGreaterThanOrEqual(0);
      expect(p.percent).toBeLessThanOrEqual(100);
    }
    const states = (await eventsOf(page, 'statechange')).map((x) => (x.e as { state: string }).state);
    expect(states.filter((s) => s !== 'buffering')).toEqual(['processing', 'loading', 'ready', 'playing']);
    await page.waitForFunction(() => window.player.video.currentTime > 0.5, null, { timeout: 10_000 });
    expect((await eventsOf(page, 'error')).filter((x) => (x.e as { fatal: boolean }).fatal)).toEqual([]);
    await closePlayer(page);
  });

  describe('uploads through a connection that drops', () => {
    let proxy: CuttingProxy;
    afterAll(() => proxy?.close());

    it('reports progress, resumes after a forced disconnect and stores the exact bytes', async () => {
      const clipPath = await makeClip({ width: 640, height: 360, seconds: 12, fps: 25 });
      const original = await readFile(clipPath);
      files['/upload.mp4'] = clipPath;
      proxy = await startCuttingProxy(api.url);
      // The first PATCH is cut after ~300 KB of its 1 MiB body (the server keeps what it got) and
      // the network stays down for 600 ms: Chromium's own re-send fails too, so the SDK recovers.
      void proxy.cutNext(/^PATCH \/v1\/uploads\//, 300_000, 600);

      const page = await browser.open(site.url);
      const result = await page.evaluate(
        async ({ apiBase, accessToken }) => {
          const blob = await (await fetch('/upload.mp4')).blob();
          const file = new File([blob], 'upload.mp4', { type: 'video/mp4', lastModified: Date.now() });
          const client = new window.Reelkit.ReelkitClient({ apiBase, token: accessToken });
          const progress: number[] = [];
          const video = await client.videos.upload(file, {
            title: 'Uploaded from the browser',
            chunkSize: 1024 * 1024,
            retryDelays: [0, 250, 500, 1000, 2000],
            onProgress: (p: { percent: number }) => progress.push(p.percent),
          });
          return { id: video.id as string, status: video.status as string, size: file.size, progress };
        },
        { apiBase: proxy.url, accessToken: admin.accessToken },
      );
      await page.close();

      expect(result.size).toBe(original.length);
      expect(proxy.requests.filter((r) => r === 'CUT')).toHaveLength(1);
      // One creation, and after the cut the SDK asked the server for its offset (HEAD) before
      // sending more: it resumed rather than started over.
      expect(proxy.requests.filter((r) => r.startsWith('POST /v1/uploads'))).toHaveLength(1);
      const afterCut = proxy.requests
        .slice(proxy.requests.indexOf('CUT') + 1)
        .filter((r) => r !== 'RESET' && !r.startsWith('OPTIONS'));
      expect(afterCut[0], proxy.requests.join('\n')).toMatch(/^HEAD \/v1\/uploads\//);

      expect(result.progress.at(-1)).toBe(100);
      expect(result.progress.length).toBeGreaterThan(4);
      // Progress counts bytes on the wire; after the cut it restarts from what the server kept
      // (less than was sent): at most that one step back.
      const stepsBack = result.progress.filter((p, i) => i > 0 && p < result.progress[i - 1]!);
      expect(stepsBack.length, JSON.stringify(result.progress)).toBeLessThanOrEqual(1);
      // A partial chunk was kept: some progress value is not a multiple of the chunk size.
      const chunkPercent = ((1024 * 1024) / original.length) * 100;
      expect(
        result.progress.some(
          (p) => p < 100 && Math.abs(p / chunkPercent - Math.round(p / chunkPercent)) > 1e-6,
        ),
      ).toBe(true);

      const stored = await call(api.url, 'GET', `/v1/videos/${result.id}`, { token: admin.accessToken });
      expect(stored.status).toBe(200);
      expect(stored.body.title).toBe('Uploaded from the browser');
      expect(['queued', 'processing', 'ready']).toContain(result.status);
      expect(stored.body.source).toMatchObject({ size: original.length, sha256: sha256(original) });
      const doc = await createVideoModel(api.db).findById(result.id).lean();
      const onDisk = await readFile(join(api.config.STORAGE_DIR, doc!.source!.key));
      expect(sha256(onDisk)).toBe(sha256(original));
    });
  });
});
