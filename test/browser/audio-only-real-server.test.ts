// Audio-only assets end to end: an M4A (AAC) and an MP3 uploaded to the real API and transcoded
// by the real worker play in Chromium with bare hls.js from another origin through the signed
// audio-only master, and <reelkit-player> (the bundle the API serves) plays one with autoplay
// while showing the generated poster. On the shared transcoding stack (transcoding-stack.ts).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestApi } from '../support/api-server.js';
import { serveSite, type StaticSite, type TestBrowser } from '../support/browser.js';
import { runFfmpeg } from '../support/clips.js';
import { HLS_JS_FILE, hlsJsPageHtml } from '../support/hls-page.js';
import { startTranscodingStack, type TranscodingStack } from '../support/transcoding-stack.js';
import { TRANSCODE_TEST_TIMEOUT_MS } from '../support/wait-for-transcode.js';
// Types only: the page's `document.querySelector('reelkit-player')` is a ReelkitPlayer.
import type {} from '../../packages/embed/src/index.js';

const EMBED_IIFE = fileURLToPath(
  new URL('../../packages/embed/dist/reelkit-player.iife.min.js', import.meta.url),
);

let stack: TranscodingStack;
let api: TestApi;
let site: StaticSite | undefined;
let browser: TestBrowser;
let admin: TranscodingStack['admin'];
const ids: Record<'m4a' | 'mp3', string> = { m4a: '', mp3: '' };
let folder: string;

beforeAll(async () => {
  if (!existsSync(EMBED_IIFE)) throw new Error(`Build first (npm run build): ${EMBED_IIFE} is missing`);
  folder = await mkdtemp(join(tmpdir(), 'reelkit-audio-only-browser-'));
  const tone = (file: string, codec: string[]) =>
    runFfmpeg([
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=12'],
      ...['-ac', '2', ...codec, join(folder, file)],
    ]);
  [stack] = await Promise.all([
    startTranscodingStack('audob', { orgName: 'Radio Org' }),
    tone('tone.m4a', ['-c:a', 'aac']),
    tone('tone.mp3', ['-c:a', 'libmp3lame']),
  ]);
  ({ api, admin, browser } = stack);
  for (const ext of ['m4a', 'mp3'] as const)
    ids[ext] = await stack.uploadReady(join(folder, `tone.${ext}`), `Tone ${ext}`);
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await site?.close();
  await stack?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function mint(videoId: string): Promise<{ token: string; hls: string; poster: string }> {
  const res = await call(api.url, 'POST', `/v1/videos/${videoId}/playback-tokens`, {
    token: admin.accessToken,
    body: { ttlSeconds: 600 },
  });
  expect(res.status).toBe(201);
  return { token: res.body.token, hls: res.body.playback.hls, poster: res.body.playback.poster };
}

describe('audio-only assets in Chromium', () => {
  it('hls.js plays the audio-only master of an M4A and of an MP3 upload, on its audio-only levels', async () => {
    const masters = await Promise.all(Object.values(ids).map(async (id) => (await mint(id)).hls));
    const pages: Record<string, string> = {};
    masters.forEach((master, i) => {
      pages[`/hls-${i}`] = hlsJsPageHtml(master);
    });
    site = await serveSite(pages, { '/hls.min.js': HLS_JS_FILE });
    for (const [i] of masters.entries()) {
      const page = await browser.open(`${site.url}/hls-${i}`);
      await page.waitForFunction(
        `document.getElementById('v').currentTime > 3 || 'fatal' in window`,
        undefined,
        { timeout: 120_000 },
      );
      const state = await page.evaluate(() => {
        const w = window as unknown as {
          fatal?: string;
          hls: {
            levels: Array<{ bitrate: number; height: number; audioCodec?: string; videoCodec?: string }>;
          };
        };
        const v = document.getElementById('v') as HTMLVideoElement;
        return {
          fatal: w.fatal,
          levels: w.hls.levels.map((l) => ({
            bitrate: l.bitrate,
            height: l.height,
            audio: l.audioCodec,
            video: l.videoCodec,
          })),
          videoWidth: v.videoWidth,
          paused: v.paused,
        };
      });
      expect(state.fatal).toBeUndefined();
      expect(state.paused).toBe(false);
      // No picture: the element has no video size; two levels, audio only.
      expect(state.videoWidth).toBe(0);
      expect(state.levels).toHaveLength(2);
      for (const l of state.levels) {
        expect(l.audio).toBe('mp4a.40.2');
        expect(l.video).toBeUndefined();
      }
      await page.close();
    }
  }, 300_000);

  it('<reelkit-player> plays an audio-only video with autoplay and shows its generated poster', async () => {
    const { token, poster } = await mint(ids.m4a);
    const element = await serveSite({
      '/': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>audio</title>
<script src="${api.url}/embed/reelkit-player.js"></script></head><body><main>
<reelkit-player video-id="${ids.m4a}" token="${token}" api-base="${api.url}" autoplay muted style="width:640px"></reelkit-player>
</main></body></html>`,
    });
    try {
      const allowed = await call(api.url, 'PATCH', '/v1/org', {
        token: admin.accessToken,
        body: { embedOrigins: [element.url] },
      });
      expect(allowed.status).toBe(200);
      const page = await browser.open(`${element.url}/`);
      await page.waitForFunction(
        () => document.querySelector('reelkit-player')?.getAttribute('state') === 'playing',
        undefined,
        { timeout: 120_000 },
      );
      const shown = await page.waitForFunction(
        () => {
          const v = document.querySelector('reelkit-player')!.shadowRoot!.querySelector('video')!;
          return v.poster && v.currentTime > 1 ? { poster: v.poster, width: v.videoWidth } : false;
        },
        undefined,
        { timeout: 120_000 },
      );
      const { poster: shownPoster, width } = (await shown.jsonValue()) as { poster: string; width: number };
      expect(width).toBe(0);
      expect(new URL(shownPoster).pathname).toBe(new URL(poster).pathname);
      // The poster loads: a 1280×720 image in the page.
      const size = await page.evaluate(
        (src) =>
          new Promise<[number, number]>((resolve, reject) => {
            const img = new Image();
            img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
            img.onerror = () => reject(new Error('poster did not load'));
            img.src = src;
          }),
        shownPoster,
      );
      expect(size).toEqual([1280, 720]);
      await page.close();
    } finally {
      await element.close();
    }
  }, 300_000);
});
