// The dashboard's captions panel in Chromium against the real API (the dashboard built by Vite
// from source): on a ready video's page an editor uploads a WebVTT and a SubRip file, sees the
// API's own 415 message for a binary file, relabels a caption, moves the default, and deletes one;
// after each step the API's caption list says what the page shows.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup } from '../support/api-server.js';
import { logIn, startDashboard, type DashboardServer } from '../support/dashboard.js';
import { makeReadyVideo } from '../support/hls-fixture.js';

const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nBonjour\n';
const SRT = '1\n00:00:01,000 --> 00:00:03,000\nHello\n';
/** Not text at all: the first bytes of a PNG. */
const BINARY = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

let dashboard: DashboardServer;
let page: Page;
let admin: Awaited<ReturnType<typeof signup>>;
let videoId: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  const { api, base, browser } = dashboard;
  admin = await signup(base, 'Captions Dashboard Org');
  ({ videoId } = await makeReadyVideo(api.db, api.config.STORAGE_DIR, admin.orgId, {
    seconds: 4,
    title: 'Needs captions',
  }));
  page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
  page.on('dialog', (d) => void d.accept());
  await logIn(page, base, admin.email);
  await page.goto(`${base}/#/videos/${videoId}`);
  await page.getByRole('heading', { name: 'Captions', exact: true }).waitFor({ timeout: 30_000 });
}, 300_000);

afterAll(async () => {
  await dashboard?.stop();
});

/** The captions as the API lists them, by language. */
async function apiCaptions(): Promise<Record<string, { label: string; default: boolean; kind: string }>> {
  const res = await call(dashboard.base, 'GET', `/v1/videos/${videoId}/captions`, {
    token: admin.accessToken,
  });
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (res.body.items as Array<{ language: string; label: string; default: boolean; kind: string }>).map(
      (c) => [c.language, { label: c.label, default: c.default, kind: c.kind }],
    ),
  );
}

const panel = () => page.locator('[data-testid=captions]');
const row = (language: string) => panel().locator(`tr[data-language="${language}"]`);
const upload = () => panel().locator('[data-testid=caption-upload]');

async function submitCaption(
  file: { name: string; mimeType: string; buffer: Buffer },
  fields: { language: string; label?: string; kind?: string; default?: boolean },
): Promise<void> {
  await upload().locator('input[name=file]').setInputFiles(file);
  await upload().locator('input[name=language]').fill(fields.language);
  await upload()
    .locator('input[name=label]')
    .fill(fields.label ?? '');
  await upload()
    .locator('select[name=kind]')
    .selectOption(fields.kind ?? 'subtitles');
  await upload()
    .locator('input[name=default]')
    .setChecked(fields.default ?? false);
  await upload().getByRole('button', { name: 'Add caption' }).click();
}

describe('captions on the dashboard’s video page', () => {
  it('uploads, shows the API’s error, relabels, moves the default and deletes', async () => {
    await expect.poll(() => panel().textContent()).toContain('No captions yet.');

    // Upload a WebVTT as the default French captions.
    await submitCaption(
      { name: 'fr.vtt', mimeType: 'text/vtt', buffer: Buffer.from(VTT) },
      { language: 'fr', label: 'Français', kind: 'captions', default: true },
    );
    await row('fr').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => row('fr').locator('[data-testid=caption-default]').textContent())
      .toContain('default');
    expect(await apiCaptions()).toEqual({ fr: { label: 'Français', default: true, kind: 'captions' } });

    // A binary file: the page shows the API's own 415 answer, message and code.
    const direct = new FormData();
    direct.set('file', new Blob([new Uint8Array(BINARY)]), 'image.vtt');
    direct.set('language', 'de');
    const refused = await call(dashboard.base, 'POST', `/v1/videos/${videoId}/captions`, {
      token: admin.accessToken,
      body: direct,
    });
    expect(refused.status).toBe(415);
    expect(refused.body.code).toBe('caption_format_rejected');
    await submitCaption({ name: 'image.vtt', mimeType: 'text/vtt', buffer: BINARY }, { language: 'de' });
    const alert = panel().getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toBe(`${refused.body.detail as string} (caption_format_rejected)`);
    expect(Object.keys(await apiCaptions())).toEqual(['fr']);

    // A SubRip file with no label: the API names it after its language; the error goes away.
    await submitCaption(
      { name: 'en.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(SRT) },
      { language: 'en' },
    );
    await row('en').waitFor({ timeout: 30_000 });
    await expect.poll(() => alert.count()).toBe(0);
    expect((await apiCaptions()).en).toEqual({ label: 'English', default: false, kind: 'subtitles' });

    // Relabel the English track.
    await row('en').locator('input[name=label]').fill('English (US)');
    await row('en').getByRole('button', { name: 'Rename' }).click();
    await expect.poll(async () => (await apiCaptions()).en?.label, { timeout: 30_000 }).toBe('English (US)');
    await expect.poll(() => row('en').locator('input[name=label]').inputValue()).toBe('English (US)');

    // Make English the default: French stops being it (at most one default).
    await row('en').getByRole('button', { name: 'Make default' }).click();
    await expect
      .poll(
        async () => {
          const list = await apiCaptions();
          return [list.en?.default, list.fr?.default];
        },
        { timeout: 30_000 },
      )
      .toEqual([true, false]);
    await expect
      .poll(() => row('en').locator('[data-testid=caption-default]').textContent())
      .toContain('default');
    await expect
      .poll(() => row('fr').locator('[data-testid=caption-default]').textContent())
      .not.toContain('default');

    // Delete French (the confirm dialog is accepted).
    await row('fr').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row('fr').count(), { timeout: 30_000 }).toBe(0);
    expect(await apiCaptions()).toEqual({ en: { label: 'English (US)', default: true, kind: 'subtitles' } });
  }, 180_000);
});
