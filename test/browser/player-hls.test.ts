// The SDK's player (the built IIFE, `window.Reelkit`) in Chromium with hls.js, against an ffmpeg-made
// fMP4 ladder served with Reelkit's token-in-path scheme by a test server (test/browser/hls-fixture.ts),
// not the API: quality, seeking, token renewal mid-playback, the 403 retry, processing → ready.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  SDK_IIFE,
  startStaticServer,
  type StaticServer,
  type TestBrowser,
} from '../support/browser.js';
import { fakePlayback, makeHlsLadder, type FakePlayback } from './hls-fixture.js';

let browser: TestBrowser;
let server: StaticServer;
let playback: FakePlayback;

beforeAll(async () => {
  if (!existsSync(SDK_IIFE)) throw new Error('Build the SDK first: npx rollup -c rollup.config.mjs');
  const ladder = await makeHlsLadder();
  playback = fakePlayback(ladder, () => server.url);
  server = await startStaticServer([playback.handler]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the IIFE global, typed loosely in tests
    Reelkit: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    player: any;
    events: Array<{ type: string; e: unknown }>;
  }
}

/** Opens the test page and creates a player there; events are recorded in window.events. */
async function openPlayer(options: {
  videoId: string;
  ttl?: number;
  renew?: boolean;
  extra?: object;
}): Promise<Page> {
  const page = await browser.open(server.url);
  const { token } = playback.mint((options.ttl ?? 60) * 1000);
  await page.evaluate(
    ({ videoId, token, ttl, renew, extra }) => {
      window.events = [];
      const player = window.Reelkit.createPlayer(document.getElementById('v'), {
        videoId,
        apiBase: location.origin,
        token,
        autoplay: true,
        ...(renew ? { getToken: async () => (await fetch(`/mint?ttl=${ttl}`)).json() } : {}),
        ...extra,
      });
      for (const type of ['statechange', 'ready', 'levelchange', 'processing', 'error', 'tokenrenewed']) {
        player.on(type, (e: unknown) => window.events.push({ type, e }));
      }
      window.player = player;
    },
    {
      videoId: options.videoId,
      token,
      ttl: options.ttl ?? 60,
      renew: options.renew ?? true,
      extra: options.extra ?? {},
    },
  );
  return page;
}

const fatalErrors = (page: Page) =>
  page.evaluate(() => window.events.filter((x) => x.type === 'error' && (x.e as { fatal: boolean }).fatal));

describe('player with hls.js in Chromium', () => {
  it('plays, lists the ladder, switches quality and seeks', async () => {
    const page = await openPlayer({ videoId: 'v-basic' });
    await page.waitForFunction(() => window.player.state === 'playing', null, { timeout: 20_000 });
    const info = await page.evaluate(() => ({
      engine: window.player.engine,
      levels: window.player.levels.map((l: { height: number }) => l.height),
      current: window.player.currentLevel,
    }));
    expect(info.engine).toBe('hls.js');
    expect(info.levels.sort()).toEqual([180, 360]);
    expect(info.current).toBe('auto');

    const low = await page.evaluate(() =>
      window.player.levels.findIndex((l: { height: number }) => l.height === 180),
    );
    await page.evaluate((i) => (window.player.currentLevel = i), low);
    await page.waitForFunction(
      (i) =>
        window.events.some(
          (x) => x.type === 'levelchange' && (x.e as { level?: { index: number } }).level?.index === i,
        ),
      low,
      { timeout: 10_000 },
    );
    expect(await page.evaluate(() => window.player.currentLevel)).toBe(low);
    await page.waitForFunction(
      () => (document.getElementById('v') as HTMLVideoElement).videoHeight === 180,
      null,
      {
        timeout: 10_000,
      },
    );

    await page.evaluate(() => window.player.seek(5));
    await page.waitForFunction(
      () => (document.getElementById('v') as HTMLVideoElement).currentTime >= 5.2,
      null,
      {
        timeout: 10_000,
      },
    );
    expect(await fatalErrors(page)).toEqual([]);
    await page.evaluate(() => window.player.destroy());
    expect(await page.evaluate(() => window.player.state)).toBe('destroyed');
    expect(
      await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).getAttribute('src')),
    ).toBeNull();
    await page.close();
  });

  it('renews a short-lived token mid-playback without stalling', async () => {
    // 3 s tokens and a 2 s buffer: segments keep being fetched long after the first token expired.
    const start = playback.hits.length;
    const page = await openPlayer({
      videoId: 'v-renew',
      ttl: 3,
      extra: { hlsConfig: { maxBufferLength: 2, maxMaxBufferLength: 2 } },
    });
    await page.waitForFunction(() => window.player.state === 'playing', null, { timeout: 20_000 });
    await page.waitForFunction(() => window.player.state === 'ended', null, { timeout: 30_000 });
    const states = await page.evaluate(() =>
      window.events.filter((x) => x.type === 'statechange').map((x) => (x.e as { state: string }).state),
    );
    const renewed = await page.evaluate(() => window.events.filter((x) => x.type === 'tokenrenewed').length);
    const hits = playback.hits.slice(start);
    const tokens = new Set(hits.filter((h) => h.path.includes('/seg_')).map((h) => h.token));
    expect(renewed).toBeGreaterThanOrEqual(2);
    expect(tokens.size).toBeGreaterThanOrEqual(3);
    expect(hits.filter((h) => h.status === 403)).toEqual([]);
    expect(states.slice(states.indexOf('playing'))).not.toContain('buffering');
    expect(await fatalErrors(page)).toEqual([]);
    await page.evaluate(() => window.player.destroy());
    await page.close();
  });

  it('answers a 403 on a segment with one renewal and a retry', async () => {
    const start = playback.hits.length;
    const page = await openPlayer({
      videoId: 'v-403',
      ttl: 600,
      extra: { hlsConfig: { maxBufferLength: 2, maxMaxBufferLength: 2 } },
    });
    await page.waitForFunction(() => window.player.state === 'playing', null, { timeout: 20_000 });
    const first = playback.hits.slice(start).find((h) => h.path.includes('/seg_'))!.token;
    playback.revoke(first); // the server refuses it from now on, long before its expiry
    await page.waitForFunction(() => window.player.state === 'ended', null, { timeout: 30_000 });
    const hits = playback.hits.slice(start);
    const refused = hits.filter((h) => h.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((h) => h.token === first)).toBe(true);
    const retried = hits.filter((h) => h.token !== first && h.status === 200);
    expect(retried.length).toBeGreaterThan(0);
    expect(await fatalErrors(page)).toEqual([]);
    await page.evaluate(() => window.player.destroy());
    await page.close();
  });

  it('waits while the video is processing and starts by itself once ready (polling)', async () => {
    playback.processing.add('v-later');
    const page = await openPlayer({ videoId: 'v-later', extra: { realtime: false, pollIntervalMs: 300 } });
    await page.waitForFunction(() => window.player.state === 'processing', null, { timeout: 10_000 });
    playback.processing.delete('v-later');
    await page.waitForFunction(() => window.player.state === 'playing', null, { timeout: 20_000 });
    const seen = await page.evaluate(() => window.events.map((x) => x.type));
    expect(seen).toContain('processing');
    expect(seen).toContain('ready');
    await page.evaluate(() => window.player.destroy());
    await page.close();
  });
});
