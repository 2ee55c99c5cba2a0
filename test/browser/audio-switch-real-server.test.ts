// Audio tracks end to end: a clip with two audio streams (English at 440 Hz, French at 880 Hz,
// stereo) uploaded to the real API and transcoded by the real worker plays in Chromium with bare
// hls.js from another origin through the signed master; the master has one AUDIO rendition per
// stream and video-only variants that reference the group, and switching to French during
// playback fetches the French rendition and never stalls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticSite } from '../support/browser.js';
import { makeTwoLanguageClip } from '../support/clips.js';
import { serveHlsJsPage } from '../support/hls-page.js';
import { startTranscodingStack, type TranscodingStack } from '../support/transcoding-stack.js';
import { TRANSCODE_TEST_TIMEOUT_MS } from '../support/wait-for-transcode.js';

let stack: TranscodingStack;
let site: StaticSite;
let videoId: string;

beforeAll(async () => {
  let clip: string;
  [stack, clip] = await Promise.all([
    startTranscodingStack('audsw', { orgName: 'Dubbed Org' }),
    makeTwoLanguageClip(16),
  ]);
  videoId = await stack.uploadReady(clip, 'Two languages');
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await site?.close();
  await stack?.stop();
});

describe('audio tracks through signed HLS in Chromium', () => {
  it('lists both languages in the AUDIO group and switches to French mid-playback without a stall', async () => {
    const master = await stack.masterOf(videoId);
    const masterText = await (await fetch(master)).text();
    const audio = masterText.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO'));
    expect(audio, masterText).toHaveLength(2);
    const rendition = (language: string) => audio.find((l) => l.includes(`LANGUAGE="${language}"`));
    expect(rendition('en') ?? rendition('eng'), masterText).toMatch(/DEFAULT=YES/);
    const french = rendition('fr') ?? rendition('fra');
    expect(french, masterText).toBeDefined();
    expect(french).not.toMatch(/DEFAULT=YES/);
    const group = /GROUP-ID="([^"]+)"/.exec(audio[0]!)![1]!;
    const variants = masterText.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF'));
    expect(variants.length).toBeGreaterThan(0);
    for (const v of variants) expect(v).toContain(`AUDIO="${group}"`);
    // The French rendition's folder, to find its requests in the browser's log.
    const frenchUri = /URI="([^"]+)"/.exec(french!)![1]!;
    const frenchFolder = new URL(frenchUri.slice(0, frenchUri.lastIndexOf('/') + 1), master).pathname;

    site = await serveHlsJsPage(
      master,
      `window.events = [];
  hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, (_e, d) => window.events.push({ type: 'switched', id: d.id, t: v.currentTime }));
  v.addEventListener('waiting', () => window.events.push({ type: 'waiting', t: v.currentTime, at: performance.now() }));
  v.addEventListener('playing', () => window.events.push({ type: 'playing', t: v.currentTime, at: performance.now() }));`,
    );
    const requests: string[] = [];
    const page = await stack.browser.open(`${site.url}/`);
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const video = () => document.getElementById('v') as HTMLVideoElement;
    await page.waitForFunction(`(${video.toString()})().currentTime > 3 || 'fatal' in window`, undefined, {
      timeout: 120_000,
    });
    const tracks = await page.evaluate(() =>
      (window as unknown as { hls: { audioTracks: Array<{ lang?: string }> } }).hls.audioTracks.map(
        (t) => t.lang,
      ),
    );
    expect(tracks).toHaveLength(2);
    const frenchIndex = tracks.findIndex((l) => l === 'fr' || l === 'fra');
    expect(frenchIndex).toBeGreaterThanOrEqual(0);
    const before = await page.evaluate(() => ({
      t: (document.getElementById('v') as HTMLVideoElement).currentTime,
      n: (window as unknown as { events: unknown[] }).events.length,
    }));
    const frenchRequestsBefore = requests.filter((p) => p.startsWith(frenchFolder)).length;
    await page.evaluate((i) => {
      (window as unknown as { hls: { audioTrack: number } }).hls.audioTrack = i;
    }, frenchIndex);
    // Playback goes on through the switch: six more seconds of media time, then look back.
    await page.waitForFunction(
      ([t]) =>
        (document.getElementById('v') as HTMLVideoElement).currentTime > (t as number) + 6 ||
        'fatal' in window,
      [before.t],
      { timeout: 120_000 },
    );
    const { fatal, events, now } = await page.evaluate((n) => {
      const w = window as unknown as {
        fatal?: string;
        events: Array<{ type: string; id?: number; t: number; at?: number }>;
      };
      return { fatal: w.fatal, events: w.events.slice(n), now: performance.now() };
    }, before.n);
    expect(fatal).toBeUndefined();
    expect(events).toContainEqual(expect.objectContaining({ type: 'switched', id: frenchIndex }));
    // A stall is a `waiting` the element stays in: none may last beyond a second (a busy machine's
    // slack; a stalled switch waits until the new rendition's segments arrive, several seconds).
    for (const [i, e] of events.entries()) {
      if (e.type !== 'waiting') continue;
      const resumed = events.slice(i + 1).find((x) => x.type === 'playing');
      expect((resumed?.at ?? now) - e.at!, JSON.stringify(events)).toBeLessThan(1000);
    }
    expect(
      await page.evaluate(() => (window as unknown as { hls: { audioTrack: number } }).hls.audioTrack),
    ).toBe(frenchIndex);
    const frenchRequests = requests.filter((p) => p.startsWith(frenchFolder));
    expect(frenchRequests.length, requests.join('\n')).toBeGreaterThan(frenchRequestsBefore);
    expect(
      frenchRequests.some((p) => /\.m4s$/.test(p)),
      requests.join('\n'),
    ).toBe(true);
  }, 300_000);
});
