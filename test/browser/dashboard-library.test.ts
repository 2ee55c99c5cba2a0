// The dashboard's library in Chromium against a real API (realtime attached, the dashboard built by
// Vite from source): pages past 100 videos with "Load more", search as you type (debounced), poster
// thumbnails of ready videos, and an upload whose progress moves by bytes in the upload panel while
// the library row follows it (the SDK's XHR upload events, with Chromium's upload throttled).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { appendFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoModel } from '../../packages/server/src/videos/video-model.js';
import { signup } from '../support/api-server.js';
import { makeClip } from '../support/clips.js';
import { logIn, startDashboard, type DashboardServer } from '../support/dashboard.js';
import { makeReadyVideo, type ReadyVideo } from '../support/hls-fixture.js';

const CHUNK = 4 * 1024 * 1024;
let work: string;
let dashboard: DashboardServer;
let page: Page;
let withPoster: ReadyVideo;
const SEEDED = 120;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'reelkit-dashboard-upload-'));
  dashboard = await startDashboard();
  const { api, base, browser } = dashboard;
  const admin = await signup(base, 'Library Org');
  const Video = createVideoModel(api.db);
  const orgId = new Types.ObjectId(admin.orgId);
  const old = Date.now() - 86_400_000;
  await Video.insertMany(
    Array.from({ length: SEEDED }, (_, i) => ({
      orgId,
      title: i === 7 ? 'The needle in the haystack' : `Seeded clip ${String(i).padStart(3, '0')}`,
      visibility: 'private',
      status: 'failed',
      progress: { stage: 'probe', percent: 0 },
      createdBy: { kind: 'user', id: admin.id },
      createdAt: new Date(old + i * 1000),
    })),
  );
  // The newest: a ready video with a poster, first on page one.
  withPoster = await makeReadyVideo(api.db, api.config.STORAGE_DIR, admin.orgId, {
    seconds: 4,
    title: 'Has a poster',
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await logIn(page, base, admin.email);
}, 300_000);

afterAll(async () => {
  await dashboard?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const rows = () => page.locator('tr[data-video-id]');

describe('the library', () => {
  it('shows the poster of a ready video as a thumbnail', async () => {
    const img = page.locator(`tr[data-video-id="${withPoster.videoId}"] img[data-testid=poster]`);
    await img.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 30_000 })
      .toBeGreaterThan(0);
  });

  it('pages past 100 videos with "Load more"', async () => {
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(50);
    const more = page.getByRole('button', { name: 'Load more' });
    await more.click();
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(100);
    await more.click();
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(SEEDED + 1);
    await expect.poll(() => more.count()).toBe(0);
    const ids = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-video-id')));
    expect(new Set(ids).size).toBe(SEEDED + 1);
  });

  it('searches as you type, once the typing pauses', async () => {
    const searches: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const url = new URL(r.url());
      if (url.pathname === '/v1/videos' && url.searchParams.has('q'))
        searches.push(url.searchParams.get('q')!);
    };
    page.on('request', onRequest);
    await page.getByRole('searchbox', { name: 'Search titles' }).pressSequentially('needle', { delay: 40 });
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(1);
    expect(await rows().first().textContent()).toContain('The needle in the haystack');
    page.off('request', onRequest);
    // Six keystrokes, one request for the whole word (a slow machine may split the pause once).
    expect(searches.at(-1)).toBe('needle');
    expect(searches.length).toBeLessThanOrEqual(2);
    await page.getByRole('searchbox', { name: 'Search titles' }).fill('');
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(50);
  });

  it('upload progress moves by bytes, and the library row follows the upload panel', async () => {
    // 10 MiB: a real clip padded at the end (the server sniffs the first bytes only).
    const file = join(work, 'big.mp4');
    await copyFile(await makeClip({ width: 320, height: 180, seconds: 2 }), file);
    await appendFile(file, Buffer.alloc(10 * 1024 * 1024));
    // About 2 MiB/s up, so each 4 MiB chunk takes seconds on the wire.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 5,
      downloadThroughput: -1,
      uploadThroughput: 2 * 1024 * 1024,
    });
    await page.locator('[data-testid=upload-input]').setInputFiles(file);
    const samples: Array<{ panel: number; row: string | null }> = [];
    const item = page.locator('li[data-upload-state]').first();
    await expect
      .poll(
        async () => {
          const state = await item.getAttribute('data-upload-state');
          const panel = Number(await item.getAttribute('data-percent'));
          const rowText = await page
            .locator('tr[data-status=uploading] [data-testid=row-progress]')
            .first()
            .textContent({ timeout: 50 })
            .catch(() => null);
          samples.push({ panel, row: rowText });
          return state;
        },
        { timeout: 120_000, interval: 100 },
      )
      .toBe('done');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const size = statSync(file).size;
    const chunkPercent = (CHUNK / size) * 100;
    const inFirstChunk = new Set(
      samples.map((s) => s.panel).filter((p) => p > 0.5 && p < chunkPercent - 0.5),
    );
    // By chunk steps there would be none; by bytes, several.
    expect(inFirstChunk.size, JSON.stringify(samples)).toBeGreaterThanOrEqual(3);
    // The row says what the panel says (same rounded percent) while both are shown.
    const both = samples.filter((s) => s.row !== null && s.panel > 0 && s.panel < 100);
    expect(both.length, JSON.stringify(samples)).toBeGreaterThan(2);
    const matching = both.filter((s) => s.row!.includes(`uploading ${Math.round(s.panel)}%`));
    // A sample may straddle an update between its two reads; nearly all must agree.
    expect(matching.length / both.length).toBeGreaterThan(0.7);
  });
});
