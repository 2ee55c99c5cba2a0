// <reelkit-player> (the embed bundle the API serves) on another origin, playing videos the real
// worker transcoded, with captions uploaded through the real API: an MKV with English and French
// audio and two captions (English the default), and a one-audio clip. The CC button and menu,
// the `c` key, the audio menu (only with more than one track), the viewer's choices kept in
// localStorage and re-applied after a reload, and cues painted with the site's
// `--reelkit-cue-*` properties (through `video::cue` inside the shadow root).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api-server.js';
import { serveSite, type StaticSite } from '../support/browser.js';
import { makeClip, makeTwoLanguageClip } from '../support/clips.js';
import { countPixels } from '../support/screenshot-pixels.js';
import { startTranscodingStack, type TranscodingStack } from '../support/transcoding-stack.js';
import { TRANSCODE_TEST_TIMEOUT_MS } from '../support/wait-for-transcode.js';
// Types only: the page's `document.querySelector('reelkit-player')` is a ReelkitPlayer.
import type {} from '../../packages/embed/src/index.js';

const EN = '1\n00:00:00,500 --> 00:00:14,000\nEnglish words\n';
const FR = 'WEBVTT\n\n00:00:00.500 --> 00:00:14.000\nDes mots en français\n';

let stack: TranscodingStack;
let site: StaticSite;
/** The site's pages, by path (served as they are when asked for). */
const pages: Record<string, string> = {};
let dubbed: string;
let single: string;

/** A page on the site's origin with one `<reelkit-player>` for `videoId` and a fresh token. */
async function pageFor(videoId: string): Promise<string> {
  const minted = await call(stack.api.url, 'POST', `/v1/videos/${videoId}/playback-tokens`, {
    token: stack.admin.accessToken,
    body: { ttlSeconds: 3600 },
  });
  expect(minted.status, minted.text).toBe(201);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>element</title>
<script src="${stack.api.url}/embed/reelkit-player.js"></script></head><body><main>
<reelkit-player video-id="${videoId}" api-base="${stack.api.url}" token="${minted.body.token as string}"
  autoplay muted style="width:640px; display:block"></reelkit-player></main></body></html>`;
}

async function addCaption(videoId: string, file: string, name: string, fields: Record<string, string>) {
  const form = new FormData();
  form.set('file', new Blob([file]), name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await call(stack.api.url, 'POST', `/v1/videos/${videoId}/captions`, {
    token: stack.admin.accessToken,
    body: form,
  });
  expect(res.status, res.text).toBe(201);
}

beforeAll(async () => {
  // The site first, so the API's CORS can allow its origin; its pages come once the videos exist.
  site = await serveSite(pages);
  const [started, dubbedClip, singleClip] = await Promise.all([
    startTranscodingStack('eltr', { orgName: 'Element Tracks Org', apiEnv: { CORS_ORIGINS: site.url } }),
    makeTwoLanguageClip(16),
    makeClip({ width: 640, height: 360, seconds: 6, fps: 25 }),
  ]);
  stack = started;
  [dubbed, single] = await Promise.all([
    stack.uploadReady(dubbedClip, 'Dubbed'),
    stack.uploadReady(singleClip, 'One audio'),
  ]);
  await addCaption(dubbed, EN, 'en.srt', { language: 'en', label: 'English', default: 'true' });
  await addCaption(dubbed, FR, 'fr.vtt', { language: 'fr', label: 'Français' });
  pages['/dubbed'] = await pageFor(dubbed);
  pages['/single'] = await pageFor(single);
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await site?.close();
  await stack?.stop();
});

const el = (page: Page) => page.locator('reelkit-player');
const pref = async (page: Page) =>
  JSON.parse((await page.evaluate(() => localStorage.getItem('reelkit-player:tracks'))) ?? 'null') as {
    text?: string | null;
    audio?: string;
  } | null;
const shown = (page: Page) =>
  page.evaluate(() => document.querySelector('reelkit-player')!.textTrack?.language ?? null);
const heard = (page: Page) =>
  page.evaluate(() => document.querySelector('reelkit-player')!.audioTrack?.language ?? null);
/** The text of the cues active now on the element's video's track in `language`. */
const activeCues = (page: Page, language: string) =>
  page.evaluate((language) => {
    const v = document.querySelector('reelkit-player')!.shadowRoot!.querySelector('video')!;
    const track = [...v.textTracks].find((t) => t.language === language);
    return [...(track?.activeCues ?? [])].map((c) => (c as VTTCue).text);
  }, language);

async function waitPlaying(page: Page, text: number, audio: number): Promise<void> {
  await page.waitForFunction(
    ([text, audio]) => {
      const p = document.querySelector('reelkit-player');
      return (
        p?.getAttribute('state') === 'playing' &&
        p.textTracks.length === text &&
        p.audioTracks.length === audio
      );
    },
    [text, audio],
    { timeout: 60_000 },
  );
}

/** Pure magenta within a little compression/blending slack. */
const magenta = (r: number, g: number, b: number) => r > 220 && g < 40 && b > 220;

describe('<reelkit-player> tracks against the real server', () => {
  it('CC menu, `c`, audio menu, remembered choices and styled cues', async () => {
    const page = await stack.browser.open(`${site.url}/dubbed`);
    await page.evaluate(() => localStorage.removeItem('reelkit-player:tracks'));
    await page.reload();
    await waitPlaying(page, 2, 2);

    // No choice yet: the caption the API marked default is shown.
    await expect.poll(() => shown(page), { timeout: 20_000 }).toBe('en');
    const cc = el(page).locator('[part~="captions-button"]');
    await expect.poll(() => cc.getAttribute('aria-label')).toBe('Captions: English');
    await cc.click();
    const items = el(page).locator('[part~="captions-menu"] [role="menuitemradio"]');
    expect(await items.allInnerTexts()).toEqual(['Off', 'English', 'Français']);
    await items.filter({ hasText: 'Français' }).click();
    await expect.poll(() => shown(page)).toBe('fr');
    expect(await pref(page)).toEqual({ text: 'fr' });

    // Two audio streams: the audio menu, and French chosen there.
    const audioItems = el(page).locator('[part~="audio-menu"] [role="menuitemradio"]');
    await el(page).locator('[part~="audio-button"]').click();
    expect(await audioItems.count()).toBe(2);
    const languages = await page.evaluate(() =>
      document.querySelector('reelkit-player')!.audioTracks.map((t) => t.language),
    );
    const french = languages.findIndex((l) => l.startsWith('fr'));
    expect(french, JSON.stringify(languages)).toBeGreaterThanOrEqual(0);
    await audioItems.nth(french).click();
    await expect.poll(() => heard(page), { timeout: 20_000 }).toMatch(/^fr/);
    expect((await pref(page))?.audio).toMatch(/^fr/);

    // `c` toggles: off (remembered as off), then back on in French.
    await el(page).locator('[part~="frame"]').focus();
    await page.keyboard.press('c');
    await expect.poll(() => shown(page)).toBeNull();
    expect((await pref(page))?.text).toBeNull();
    await page.keyboard.press('c');
    await expect.poll(() => shown(page)).toBe('fr');

    // Cues take the site's colours: a magenta cue box is painted while captions show, none when off.
    await page.evaluate(() => {
      const p = document.querySelector('reelkit-player')!;
      p.pause();
      p.seek(4);
      p.style.setProperty('--reelkit-cue-background', 'rgb(255 0 255)');
      p.style.setProperty('--reelkit-cue-color', 'rgb(255 0 255)');
    });
    await expect.poll(() => activeCues(page, 'fr'), { timeout: 20_000 }).toEqual(['Des mots en français']);
    // Paused, the control bar shows: the cues must sit above it, not under it.
    const withCues = await countPixels(await el(page).screenshot(), magenta);
    await page.keyboard.press('c');
    await expect.poll(() => shown(page)).toBeNull();
    const withoutCues = await countPixels(await el(page).screenshot(), magenta);
    expect(withCues - withoutCues, `${withCues} vs ${withoutCues}`).toBeGreaterThan(500);
    await page.keyboard.press('c');
    await expect.poll(() => shown(page)).toBe('fr');

    // Next load: French captions and French audio again, from the stored choice.
    await page.reload();
    await waitPlaying(page, 2, 2);
    await expect.poll(() => shown(page), { timeout: 20_000 }).toBe('fr');
    await expect.poll(() => heard(page), { timeout: 20_000 }).toMatch(/^fr/);
    await page.evaluate(() => document.querySelector('reelkit-player')!.seek(3));
    await expect.poll(() => activeCues(page, 'fr'), { timeout: 20_000 }).toEqual(['Des mots en français']);
    await page.close();
  });

  it('shows no audio menu for a video with one audio track (and no CC button without captions)', async () => {
    const page = await stack.browser.open(`${site.url}/single`);
    await page.waitForFunction(
      () => document.querySelector('reelkit-player')?.getAttribute('state') === 'playing',
      null,
      {
        timeout: 60_000,
      },
    );
    expect(
      await page.evaluate(() => document.querySelector('reelkit-player')!.audioTracks.length),
    ).toBeLessThanOrEqual(1);
    expect(await el(page).locator('[part~="audio-button"]').count()).toBe(0);
    expect(await el(page).locator('[part~="captions-button"]').count()).toBe(0);
    await page.close();
  });
});
