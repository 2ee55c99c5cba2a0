// hls.js in Debian's Chromium plays a video through the signed URLs, on another origin than the API.
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { launchChromium, serveSite, type StaticSite } from '../../../../test/support/chromium.js';
import { makeReadyVideo, type ReadyVideo } from '../../../../test/support/hls-fixture.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

const hlsPath = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

const PAGE = `<!doctype html><html><body>
<video id="v" muted playsinline width="640" height="360"></video>
<script src="/hls.min.js"></script>
<script>
  window.events = [];
  window.startPlayback = (src) => {
    const video = document.getElementById('v');
    const hls = new Hls({ lowLatencyMode: false, capLevelToPlayerSize: true, maxBufferLength: 4, maxMaxBufferLength: 4 });
    window.hls = hls;
    hls.on(Hls.Events.ERROR, (_e, d) => window.events.push('error:' + d.details + ':' + (d.response ? d.response.code : '')));
    hls.loadSource(src);
    hls.attachMedia(video);
    video.addEventListener('playing', () => window.events.push('playing'));
    hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
  };
</script></body></html>`;

let clockOffset = 0;

describe('hls.js plays through signed URLs (Chromium)', () => {
  let api: TestApi;
  let site: StaticSite;
  let browser: Browser;
  let page: Page;
  let video: ReadyVideo;
  let token: string;
  const segmentStatuses: number[] = [];

  beforeAll(async () => {
    api = await startTestApi({}, { now: () => Date.now() + clockOffset });
    const admin = await signup(api.url);
    video = await makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId, { seconds: 24 });
    const minted = await call(api.url, 'POST', `/v1/videos/${video.videoId}/playback-tokens`, {
      token: admin.accessToken,
      body: { ttlSeconds: 120 },
    });
    token = minted.body.token;
    site = await serveSite({ '/': PAGE }, { '/hls.min.js': hlsPath });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('response', (res) => {
      if (res.url().endsWith('.m4s')) segmentStatuses.push(res.status());
    });
    await page.goto(site.url);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await api?.close();
  });

  it('reaches playing, currentTime advances, and a seek lands', async () => {
    const src = `${api.url}/v1/play/${token}/${video.videoId}/hls/master.m3u8`;
    await page.evaluate(
      (s) => (window as unknown as { startPlayback(s: string): void }).startPlayback(s),
      src,
    );
    await page.waitForFunction(
      () => (window as unknown as { events: string[] }).events.includes('playing'),
      null,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => document.querySelector('video')!.currentTime > 1, null, {
      timeout: 20_000,
    });
    await page.evaluate(() => {
      document.querySelector('video')!.currentTime = 7;
    });
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video')!;
        return !v.seeking && v.currentTime >= 7 && v.currentTime < 12;
      },
      null,
      { timeout: 20_000 },
    );
    expect(segmentStatuses.length).toBeGreaterThan(1);
    expect(segmentStatuses.every((s) => s === 200)).toBe(true);
  });

  it('a player holding an expired token gets 403 on its next segment', async () => {
    clockOffset = 3 * 60_000;
    const before = segmentStatuses.length;
    // Far ahead, to segments never fetched (fetched ones are immutable and come from the cache).
    await page.evaluate(() => {
      document.querySelector('video')!.currentTime = 20;
    });
    await page
      .waitForFunction(
        () => (window as unknown as { events: string[] }).events.some((e) => e.includes('403')),
        null,
        {
          timeout: 20_000,
        },
      )
      .catch(async (err: Error) => {
        const state = await page.evaluate(() => ({
          events: (window as unknown as { events: string[] }).events,
          t: document.querySelector('video')!.currentTime,
        }));
        throw new Error(`${err.message}\n${JSON.stringify({ state, segmentStatuses, before })}`);
      });
    const after = segmentStatuses.slice(before);
    expect(after).toContain(403);
    // A segment already in flight when the clock jumped may still answer 200; none may after a 403.
    expect(after.slice(after.indexOf(403)).filter((s) => s === 200)).toHaveLength(0);
  });
});
