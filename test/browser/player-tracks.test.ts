// Captions and audio tracks in Chromium with hls.js: the SDK (built IIFE, `window.Reelkit`) and
// <reelkit-player> (built IIFE) play an ffmpeg-made HLS video with a SUBTITLES group (WebVTT, en
// and fr) and an AUDIO group (en and fr), served from a loopback server under the signed-path
// layout (`/v1/play/<token>/<videoId>/hls/…`) with a playback descriptor like the API's. Standard
// HLS only, so it holds for whatever the server and transcoder write.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  SDK_IIFE,
  sendFile,
  startStaticServer,
  type StaticServer,
  type TestBrowser,
} from '../support/browser.js';
import { makeTrackedHls, TRACK_FIXTURE_CUES } from '../support/hls-tracks-fixture.js';
// Types only: the page's `document.querySelector('reelkit-player')` is a ReelkitPlayer.
import type {} from '../../packages/embed/src/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EMBED_IIFE = join(root, 'packages/embed/dist/reelkit-player.iife.min.js');
const AXE = join(root, 'node_modules/axe-core/axe.min.js');
const VIDEO_ID = '66f1c0ffee0123456789abcd';
const TOKEN = 'fixture-token';

let dir: string;
let site: StaticServer;
let browser: TestBrowser;

beforeAll(async () => {
  for (const f of [SDK_IIFE, EMBED_IIFE])
    if (!existsSync(f)) throw new Error(`Build first (npm run build): ${f} is missing`);
  dir = mkdtempSync(join(tmpdir(), 'reelkit-tracks-'));
  await makeTrackedHls(join(dir, 'hls'), 12);
  const embed = readFileSync(EMBED_IIFE);
  site = await startStaticServer([
    (_req, res, url) => {
      if (url.pathname !== `/v1/videos/${VIDEO_ID}/playback`) return false;
      const hlsBase = `${site.url}/v1/play/${TOKEN}/${VIDEO_ID}/hls`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          videoId: VIDEO_ID,
          status: 'ready',
          progress: { stage: 'finalize', percent: 100 },
          token: TOKEN,
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          hls: `${hlsBase}/master.m3u8`,
          duration: 12,
          aspectRatio: 16 / 9,
          renditions: [],
          title: 'Tracks fixture',
        }),
      );
      return true;
    },
    (_req, res, url) => {
      const prefix = `/v1/play/${TOKEN}/${VIDEO_ID}/`;
      if (!url.pathname.startsWith(prefix)) return false;
      const rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length)));
      if (rel.startsWith('..')) return false;
      sendFile(res, join(dir, rel));
      return true;
    },
    (_req, res, url) => {
      if (url.pathname === '/embed/reelkit-player.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(embed);
        return true;
      }
      if (url.pathname !== '/element') return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tracks</title>
<script src="/embed/reelkit-player.js"></script></head><body><main><h1>Tracks</h1>
<reelkit-player video-id="${VIDEO_ID}" autoplay muted style="width:640px"></reelkit-player></main></body></html>`,
      );
      return true;
    },
  ]);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the IIFE global, typed loosely in tests
    Reelkit: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    player: any;
    trackEvents: Array<{ type: string; at: number; e: unknown }>;
    axe: { run(context: Element, options?: object): Promise<{ violations: AxeViolation[] }> };
  }
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/** The text of the cues active now on the video's text track in `language`. */
function activeCueText(page: Page, language: string, inElement = false): Promise<string[]> {
  return page.evaluate(
    ({ language, inElement }) => {
      const v = (
        inElement
          ? document.querySelector('reelkit-player')!.shadowRoot!.querySelector('video')
          : document.getElementById('v')
      ) as HTMLVideoElement;
      const track = [...v.textTracks].find((t) => t.language === language);
      return [...(track?.activeCues ?? [])].map((c) => (c as VTTCue).text);
    },
    { language, inElement },
  );
}

describe('player SDK tracks (hls.js in Chromium)', () => {
  let page: Page;

  beforeAll(async () => {
    page = await browser.open(site.url);
    await page.evaluate(
      ({ videoId, apiBase }) => {
        window.trackEvents = [];
        const v = document.getElementById('v') as HTMLVideoElement;
        window.player = window.Reelkit.createPlayer(v, { videoId, apiBase, autoplay: true });
        for (const type of [
          'ready',
          'texttrackschange',
          'texttrackchange',
          'audiotrackschange',
          'audiotrackchange',
          'error',
        ])
          window.player.on(type, (e: unknown) =>
            window.trackEvents.push({ type, at: v.currentTime, e: JSON.parse(JSON.stringify(e ?? null)) }),
          );
        v.addEventListener('waiting', () =>
          window.trackEvents.push({ type: 'media:waiting', at: v.currentTime, e: null }),
        );
      },
      { videoId: VIDEO_ID, apiBase: site.url },
    );
    await page.waitForFunction(
      () =>
        window.player.textTracks.length === 2 &&
        window.player.audioTracks.length === 2 &&
        window.player.state === 'playing',
      null,
      { timeout: 30_000 },
    );
  });

  afterAll(async () => page?.close());

  it('lists the SUBTITLES and AUDIO renditions as typed tracks, with events', async () => {
    const { text, audio, textTrack, audioTrack } = await page.evaluate(() => ({
      text: window.player.textTracks,
      audio: window.player.audioTracks,
      textTrack: window.player.textTrack ?? null,
      audioTrack: window.player.audioTrack ?? null,
    }));
    expect(text).toEqual([
      { id: 'cen', language: 'en', label: 'English', kind: 'subtitles', default: false },
      { id: 'cfr', language: 'fr', label: 'Français (CC)', kind: 'captions', default: false },
    ]);
    expect(audio).toEqual([
      { id: 'aen', language: 'en', label: 'English', channels: 2, default: true },
      { id: 'afr', language: 'fr', label: 'Français', channels: 2, default: false },
    ]);
    // No DEFAULT=YES subtitle: captions start off; the default audio plays.
    expect(textTrack).toBeNull();
    expect(audioTrack).toMatchObject({ id: 'aen' });
    const types = await page.evaluate(() => window.trackEvents.map((e) => e.type));
    expect(types).toEqual(expect.arrayContaining(['texttrackschange', 'audiotrackschange']));
    expect(types).not.toContain('error');
  });

  it("setTextTrack('fr') makes the French cue active at its time, and null turns captions off", async () => {
    expect(await page.evaluate(() => window.player.setTextTrack('fr'))).toBe(true);
    expect(await page.evaluate(() => window.player.setTextTrack('de'))).toBe(false);
    await page.waitForFunction(() =>
      window.trackEvents.some(
        (e) => e.type === 'texttrackchange' && (e.e as { track?: { id: string } }).track?.id === 'cfr',
      ),
    );
    const [first, second] = TRACK_FIXTURE_CUES.fr;
    await page.evaluate(() => {
      window.player.pause();
      window.player.seek(3.5);
    });
    await expect
      .poll(() => activeCueText(page, 'fr'), { timeout: 20_000, interval: 200 })
      .toEqual([first![2]]);
    await page.evaluate(() => window.player.seek(7.5));
    await expect
      .poll(() => activeCueText(page, 'fr'), { timeout: 20_000, interval: 200 })
      .toEqual([second![2]]);
    // Between cues nothing is active; the English track is not shown.
    await page.evaluate(() => window.player.seek(5.5));
    await expect.poll(() => activeCueText(page, 'fr'), { timeout: 20_000, interval: 200 }).toEqual([]);
    const modes = await page.evaluate(() =>
      Object.fromEntries(
        [...(document.getElementById('v') as HTMLVideoElement).textTracks].map((t) => [t.language, t.mode]),
      ),
    );
    expect(modes).toMatchObject({ fr: 'showing' });
    expect(modes.en).not.toBe('showing');

    expect(await page.evaluate(() => window.player.setTextTrack(null))).toBe(true);
    await page.waitForFunction(() => {
      const last = window.trackEvents.filter((e) => e.type === 'texttrackchange').at(-1);
      return last && (last.e as { track?: unknown }).track === undefined;
    });
    expect(await page.evaluate(() => window.player.textTrack ?? null)).toBeNull();
  });

  it('setAudioTrack switches to French during playback without a stall', async () => {
    await page.evaluate(async () => {
      window.player.seek(0.5);
      await window.player.play();
    });
    await page.waitForFunction(
      () => (document.getElementById('v') as HTMLVideoElement).currentTime > 1.5,
      null,
      { timeout: 20_000 },
    );
    const before = await page.evaluate(() => ({
      n: window.trackEvents.length,
      t: (document.getElementById('v') as HTMLVideoElement).currentTime,
    }));
    expect(await page.evaluate(() => window.player.setAudioTrack('afr'))).toBe(true);
    expect(await page.evaluate(() => window.player.setAudioTrack('nope'))).toBe(false);
    await page.waitForFunction(
      () =>
        window.trackEvents.some(
          (e) => e.type === 'audiotrackchange' && (e.e as { track?: { id: string } }).track?.id === 'afr',
        ),
      null,
      { timeout: 20_000 },
    );
    // Playback went on through the switch: time kept moving, the element never waited.
    await page.waitForFunction(
      (t) => (document.getElementById('v') as HTMLVideoElement).currentTime > t + 2,
      before.t,
      { timeout: 20_000 },
    );
    const after = await page.evaluate((n) => window.trackEvents.slice(n), before.n);
    expect(after.filter((e) => e.type === 'media:waiting' || e.type === 'error')).toEqual([]);
    expect(await page.evaluate(() => window.player.audioTrack?.id)).toBe('afr');
    expect(await page.evaluate(() => window.player.state)).toBe('playing');
    expect(site.requests.some((r) => /\/audio\/afr\/seg_\d+\.m4s/.test(r))).toBe(true);
  });
});

describe('<reelkit-player> captions and audio menus', () => {
  const el = (page: Page) => page.locator('reelkit-player');
  const pref = (page: Page) => page.evaluate(() => localStorage.getItem('reelkit-player:tracks'));
  const shown = (page: Page) =>
    page.evaluate(() => document.querySelector('reelkit-player')!.textTrack?.language ?? null);

  async function openElement(page: Page): Promise<void> {
    await page.waitForFunction(
      () => {
        const p = document.querySelector('reelkit-player');
        return (
          p?.getAttribute('state') === 'playing' && p.textTracks.length === 2 && p.audioTracks.length === 2
        );
      },
      null,
      { timeout: 30_000 },
    );
  }

  it('shows a CC menu and an audio menu, `c` toggles, and the choices persist across a reload', async () => {
    const page = await browser.open(`${site.url}/element`);
    await page.evaluate(() => localStorage.removeItem('reelkit-player:tracks'));
    await page.reload();
    await openElement(page);
    expect(await shown(page)).toBeNull();

    // The CC menu: Off and each language, as menuitemradio in a role=menu.
    const cc = el(page).locator('[part~="captions-button"]');
    expect(await cc.getAttribute('aria-label')).toBe('Captions: off');
    await cc.click();
    const items = el(page).locator('[part~="captions-menu"] [role="menuitemradio"]');
    expect(await items.allInnerTexts()).toEqual(['Off', 'English', 'Français (CC)']);
    expect(await el(page).locator('[part~="captions-menu"] [aria-checked="true"]').innerText()).toBe('Off');
    // Keyboard: the checked item has focus; ArrowDown twice then Enter picks Français.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => shown(page)).toBe('fr');
    expect(JSON.parse((await pref(page))!)).toEqual({ text: 'fr' });
    expect(await cc.getAttribute('aria-label')).toBe('Captions: Français (CC)');
    // Focus went back to the button with the menu closed.
    expect(await el(page).locator('[part~="captions-menu"]').isHidden()).toBe(true);

    // The axe check with the menu open.
    await cc.click();
    await page.addScriptTag({ path: AXE });
    const { violations } = await page.evaluate(() =>
      window.axe.run(document.querySelector('reelkit-player')!, { resultTypes: ['violations'] }),
    );
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
    await page.keyboard.press('Escape');

    // `c` toggles: off (remembered as off), then back on in French.
    await el(page).locator('[part~="frame"]').focus();
    await page.keyboard.press('c');
    await expect.poll(() => shown(page)).toBeNull();
    expect(JSON.parse((await pref(page))!)).toEqual({ text: null });
    await page.keyboard.press('c');
    await expect.poll(() => shown(page)).toBe('fr');

    // Audio menu (two tracks): choose Français.
    await el(page).locator('[part~="audio-button"]').click();
    const audioItems = el(page).locator('[part~="audio-menu"] [role="menuitemradio"]');
    expect(await audioItems.allInnerTexts()).toEqual(['English', 'Français']);
    await audioItems.filter({ hasText: 'Français' }).click();
    await page.waitForFunction(
      () => document.querySelector('reelkit-player')!.audioTrack?.id === 'afr',
      null,
      {
        timeout: 20_000,
      },
    );
    expect(JSON.parse((await pref(page))!)).toEqual({ text: 'fr', audio: 'fr' });

    // Next load: French captions and French audio from the start.
    await page.reload();
    await openElement(page);
    await expect.poll(() => shown(page), { timeout: 10_000 }).toBe('fr');
    await page.waitForFunction(
      () => document.querySelector('reelkit-player')!.audioTrack?.id === 'afr',
      null,
      {
        timeout: 20_000,
      },
    );
    await page.evaluate(() => document.querySelector('reelkit-player')!.seek(3));
    await expect
      .poll(() => activeCueText(page, 'fr', true), { timeout: 20_000, interval: 200 })
      .toEqual([TRACK_FIXTURE_CUES.fr[0]![2]]);

    // "Off" is remembered too.
    await el(page).locator('[part~="captions-button"]').click();
    await el(page).locator('[part~="captions-menu"] [role="menuitemradio"]', { hasText: 'Off' }).click();
    await page.reload();
    await openElement(page);
    // Give the remembered "off" the same moment the language had to apply.
    await page.waitForFunction(
      () => document.querySelector('reelkit-player')!.audioTrack?.id === 'afr',
      null,
      {
        timeout: 20_000,
      },
    );
    expect(await shown(page)).toBeNull();
    await page.close();
  });
});
