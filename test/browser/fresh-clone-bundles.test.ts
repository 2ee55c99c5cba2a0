// A fresh clone has no `dist/`: the set-up's build (scripts/lib/bundles.mjs, as `npm start` runs it)
// makes the element's and the SDK's IIFE into an empty folder, the API serves the element from
// there, and the third-party example site (its real server.mjs) serves the SDK. Chromium then plays
// the example page's two players and the API's iframe page, with Lit's production build.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, type BundleOutputs } from '../../scripts/lib/bundles.mjs';
import { call, freePort, signup, startTestApi, type TestApi } from '../support/api-server.js';
import { launchChromium } from '../support/browser.js';
import { makeReadyVideo, type ReadyVideo } from '../support/hls-fixture.js';
import { startTs, type Proc } from '../support/processes.js';

let outRoot: string;
let out: BundleOutputs;
let api: TestApi;
let site: Proc;
let siteUrl: string;
let browser: Browser;
let sample: ReadyVideo;
let other: ReadyVideo;
const logs: string[] = [];

beforeAll(async () => {
  outRoot = mkdtempSync(join(tmpdir(), 'reelkit-fresh-bundles-'));
  // The two bundles the pages load; `npm start` builds these and the ESM builds the same way.
  [out] = await Promise.all([
    buildBundles({ outRoot, only: ['sdk-iife', 'embed-iife'] }),
    (async () => (browser = await launchChromium()))(),
  ]);
  api = await startTestApi({}, { complete: true, embedDistDir: out.embedOut });
  const admin = await signup(api.url, 'Fresh Clone Org');
  // The demo sample is unlisted, as `npm start` seeds it; `other` is a private upload of the org.
  [sample, other] = await Promise.all([
    makeReadyVideo(api.db, api.config.STORAGE_DIR, admin.orgId, { seconds: 8, visibility: 'unlisted' }),
    makeReadyVideo(api.db, api.config.STORAGE_DIR, admin.orgId, { seconds: 4, visibility: 'private' }),
  ]);
  const key = await call(api.url, 'POST', '/v1/api-keys', {
    token: admin.accessToken,
    body: { name: 'third-party example', role: 'editor' },
  });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${key.text}`);
  const port = await freePort();
  siteUrl = `http://127.0.0.1:${port}`;
  site = startTs('examples/third-party-site/server.mjs', {
    PORT: String(port),
    REELKIT_API: api.url,
    REELKIT_API_KEY: key.body.key as string,
    REELKIT_VIDEO_ID: sample.videoId,
    REELKIT_SDK_BUNDLE: join(out.sdkOut, 'reelkit.iife.min.js'),
    REELKIT_EMBED_BUNDLE: join(out.embedOut, 'reelkit-player.iife.min.js'),
  });
  await site.waitFor(/third-party site on/, 30_000);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await api?.close();
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  await page.goto(url);
  return page;
}

type Which = 'element' | 'sdk';

/** Starts (muted) and waits until the element's or the SDK page's <video> played past `seconds`. */
async function waitPlaying(page: Page, which: Which, seconds = 1): Promise<void> {
  const played = (arg: { which: Which; seconds: number; start: boolean }) => {
    const v =
      arg.which === 'sdk'
        ? (document.getElementById('sdk-player') as HTMLVideoElement | null)
        : (document.querySelector('reelkit-player')?.shadowRoot?.querySelector('video') ?? null);
    if (v && arg.start && v.paused && v.readyState >= 2) {
      v.muted = true;
      void v.play().catch(() => undefined);
    }
    return (v?.currentTime ?? 0) > arg.seconds;
  };
  await page
    .waitForFunction(played, { which, seconds, start: true }, { timeout: 60_000, polling: 250 })
    .catch((err: Error) => {
      throw new Error(`${which} player never played: ${err.message}\n${logs.join('\n')}`);
    });
}

describe('a fresh clone, built by the set-up', () => {
  it('builds both IIFE bundles into an empty folder', () => {
    expect(existsSync(join(out.sdkOut, 'reelkit.iife.min.js'))).toBe(true);
    expect(existsSync(join(out.embedOut, 'reelkit-player.iife.min.js'))).toBe(true);
  });

  it('the example site serves the SDK bundle and the API serves the element', async () => {
    const sdk = await fetch(`${siteUrl}/sdk/reelkit.iife.min.js`);
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get('content-type')).toContain('javascript');
    expect(await sdk.text()).toContain('createPlayer');
    const element = await fetch(`${api.url}/embed/reelkit-player.js`);
    expect(element.status).toBe(200);
    expect(await element.text()).toContain('reelkit-player');
  });

  it('plays the third-party page: <reelkit-player> and the SDK player, with Lit in production mode', async () => {
    const page = await open(siteUrl);
    await waitPlaying(page, 'element');
    await waitPlaying(page, 'sdk');
    expect(
      await page.evaluate(() => document.querySelector('reelkit-player')!.getAttribute('video-id')),
    ).toBe(sample.videoId);
    expect(logs.join('\n')).not.toMatch(/dev mode/i);
    await page.close();
  });

  it('plays the API’s iframe page of the sample', async () => {
    const page = await open(`${api.url}/embed/${sample.videoId}?muted=1`);
    await waitPlaying(page, 'element');
    expect(logs.join('\n')).not.toMatch(/dev mode/i);
    await page.close();
  });

  it('the example backend mints tokens for the sample only, never for another video of the org', async () => {
    const ok = await fetch(`${siteUrl}/api/playback-token?videoId=${sample.videoId}`);
    expect(ok.status).toBe(200);
    const refused = await fetch(`${siteUrl}/api/playback-token?videoId=${other.videoId}`);
    expect(refused.status).toBe(404);
    const html = await (await fetch(siteUrl)).text();
    expect(html).not.toContain(other.videoId);
  });
});
