// The admin dashboard's main path in Chromium, against a real API (with realtime, the dashboard and
// the OpenAPI routes mounted as app.ts/main.ts mount them) and a real transcoder worker:
// sign up → upload → live progress → play → copy the embed snippet → a third-party page on
// another origin plays it. Screenshots of the main screens go to test-results/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, freePort, PASSWORD, uniqueEmail } from '../support/api-server.js';
import { makeClip } from '../support/clips.js';
import { startDashboard, type DashboardServer } from '../support/dashboard.js';
import { repoRoot, startTs, type Proc } from '../support/processes.js';
import { stackEnv } from '../support/stack-env.js';

const SHOTS = join(repoRoot, 'test-results', 'screenshots');
const SDK_IIFE = join(repoRoot, 'packages/player-sdk/dist/reelkit.iife.min.js');

let dashboard: DashboardServer;
let worker: Proc;
let site: Proc | undefined;
let browser: Browser;
let context: BrowserContext;
let base: string;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`), fullPage: true });
}

/**
 * Plays the first <video> under `selector` (shadow roots included) muted; resolves with currentTime.
 * The player may still swap its source right after it appears (a `play()` then rejects with
 * AbortError), so play is asked again on every poll while the video is paused.
 */
async function playFor(page: Page, selector: string, seconds: number): Promise<number> {
  const video = page.locator(selector).first();
  await video.waitFor({ state: 'attached', timeout: 30_000 });
  const kick = () =>
    video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      if (v.paused) v.play().catch(() => undefined);
      return v.currentTime;
    });
  await expect.poll(kick, { timeout: 30_000, interval: 250 }).toBeGreaterThan(seconds);
  return video.evaluate((v: HTMLVideoElement) => v.currentTime);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The API on a known port, so PUBLIC_URL (signed playback URLs) and the dashboard's origin agree.
  dashboard = await startDashboard({ openApi: true, results: true });
  ({ base, browser } = dashboard);
  worker = startTs('packages/transcoder/src/main.ts', { ...stackEnv() });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await site?.stop();
  await worker?.stop();
  await dashboard?.stop();
});

describe('the admin dashboard', () => {
  it('signs up, uploads, shows live progress, plays, copies the embed code, and a third-party page plays it', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // Sign up: a new organisation and its admin.
    const email = uniqueEmail('dash');
    await page.goto(`${base}/`);
    await page.getByRole('tab', { name: 'Sign up' }).click();
    await page.fill('input[name=orgName]', 'Dashboard Test Org');
    await page.fill('input[name=name]', 'Dana Admin');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await shot(page, '01-signup');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('heading', { name: 'Videos' }).waitFor();
    await expect.poll(() => page.locator('[data-testid=who]').textContent()).toContain('admin');

    // Upload with tus through the SDK.
    const clip = await makeClip({ width: 640, height: 360, seconds: 4 });
    await page.locator('[data-testid=upload-input]').setInputFiles(clip);
    await page.locator('li[data-upload-state=done]').waitFor({ timeout: 30_000 });
    const row = page.locator('tr[data-video-id]').first();
    const videoId = (await row.getAttribute('data-video-id'))!;
    expect(videoId).toMatch(/^[0-9a-f]{24}$/);

    // Live status: the row moves on by itself (socket.io) until ready; no reload.
    const seen = new Set<string>();
    let processingShot = false;
    await expect
      .poll(
        async () => {
          const status = (await row.getAttribute('data-status')) ?? '';
          seen.add(status);
          if (status === 'processing' && !processingShot) {
            processingShot = true;
            await shot(page, '02-processing');
          }
          return status;
        },
        { timeout: 120_000, interval: 250 },
      )
      .toBe('ready');
    expect(seen.has('ready')).toBe(true);
    await shot(page, '03-library');

    // The video page: player, renditions, sensitivity, embed snippet.
    await row.locator('a').first().click();
    await page.locator('[data-testid=video-status]').getByText('ready').waitFor();
    await expect
      .poll(() => page.locator('[data-testid=sensitivity-score]').textContent())
      .toMatch(/^score \d+\/100$/);
    expect(await playFor(page, 'reelkit-player video', 0.5)).toBeGreaterThan(0.5);
    await shot(page, '04-video');

    await page.getByRole('button', { name: 'Copy snippet' }).click();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toContain(`video-id="${videoId}"`);
    expect(snippet).toContain(`<script src="${base}/embed/reelkit-player.js"`);

    // The admin screens load their data (and take no errors); screenshots for review.
    for (const [screen, loaded] of [
      ['users', email],
      ['keys', 'Create key'],
      ['settings', 'Plan: '],
      ['webhooks', 'Add endpoint'],
      ['queue', 'workers connected'],
    ] as const) {
      await page.goto(`${base}/#/${screen}`);
      await page.getByText(loaded).first().waitFor();
      await shot(page, `05-${screen}`);
    }
    expect(await page.locator('p.error').count()).toBe(0);
    expect(errors).toEqual([]);

    // A third-party site on another origin: its backend mints tokens with an API key, made here
    // in the dashboard and shown once.
    if (!existsSync(SDK_IIFE)) throw new Error('Build the SDK first: npx rollup -c rollup.config.mjs');
    await page.goto(`${base}/#/keys`);
    await page.getByLabel('Key name').fill('third-party test');
    await page.getByRole('combobox', { name: 'Role' }).selectOption('viewer');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByTestId('api-key-secret').locator('pre');
    await secret.waitFor();
    const apiKey = ((await secret.textContent()) ?? '').trim();
    expect(apiKey).toMatch(/^rk_/);
    await page.getByRole('cell', { name: 'third-party test' }).waitFor();
    expect(await page.getByLabel('Key name').inputValue()).toBe(''); // the form was reset
    await page.getByRole('button', { name: 'I copied it' }).click();
    expect(await page.getByTestId('api-key-secret').count()).toBe(0);
    const sitePort = await freePort();
    site = startTs('examples/third-party-site/server.mjs', {
      REELKIT_API: base,
      REELKIT_API_KEY: apiKey,
      REELKIT_VIDEO_ID: videoId,
      REELKIT_SDK_VIDEO_ID: videoId,
      PORT: String(sitePort),
    });
    await site.waitFor(/third-party site on/);
    const third = await context.newPage();
    third.on('pageerror', (e) => errors.push(`third-party: ${e.message}`));
    await third.goto(`http://127.0.0.1:${sitePort}/`);
    expect(await playFor(third, '#element-player video', 0.5)).toBeGreaterThan(0.5);
    expect(await playFor(third, '#sdk-player', 0.5)).toBeGreaterThan(0.5);
    await shot(third, '06-third-party');
    expect(errors).toEqual([]);
  }, 300_000);

  it('shows a viewer no upload button and no admin screens', async () => {
    const admin = await call(base, 'POST', '/v1/auth/signup', {
      body: { orgName: 'Viewer Org', name: 'Admin', email: uniqueEmail('vadmin'), password: PASSWORD },
    });
    const viewerEmail = uniqueEmail('viewer');
    const invite = await call(base, 'POST', '/v1/users', {
      token: admin.body.accessToken,
      body: { email: viewerEmail, role: 'viewer' },
    });
    expect(invite.status).toBe(201);
    // The invitation link opens the dashboard, which accepts it.
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    const page = await viewerContext.newPage();
    await page.goto(invite.body.inviteUrl as string);
    await page.fill('input[name=name]', 'Vic Viewer');
    await page.fill('input[name=password]', PASSWORD);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByRole('heading', { name: 'Videos' }).waitFor();
    expect(await page.locator('[data-testid=upload-input]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    // A reload keeps the session (refresh cookie + CSRF header), still as a viewer.
    await page.reload();
    await page.getByRole('heading', { name: 'Videos' }).waitFor();
    await expect.poll(() => page.locator('[data-testid=who]').textContent()).toContain('viewer');
    await shot(page, '07-viewer');
    await viewerContext.close();
  });
});
