// Captions end to end: a SubRip file uploaded to the real API (with a <script> in a cue) after the
// real worker transcoded the video, then bare hls.js in Chromium on another origin plays the signed
// master playlist the server serves with its SUBTITLES group, and the cue's text must be in the
// track's activeCues while the video is inside the cue's interval, and nowhere else.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, uploadVideo, type TestApi } from '../support/api-server.js';
import { launchBrowser, serveSite, type StaticSite, type TestBrowser } from '../support/browser.js';
import { makeClip } from '../support/clips.js';
import { startTs, type Proc } from '../support/processes.js';
import { isolatedStack, stackEnv } from '../support/stack-env.js';
import { TRANSCODE_TEST_TIMEOUT_MS, waitForVideoStatus } from '../support/wait-for-transcode.js';

const SRT = `1
00:00:02,000 --> 00:00:04,500
Hello <script>alert("x")</script><b>world</b>

2
00:00:06,000 --> 00:00:08,000
Second cue
`;

let api: TestApi;
let worker: Proc;
let site: StaticSite;
let browser: TestBrowser;
let admin: Awaited<ReturnType<typeof signup>>;
let videoId: string;

beforeAll(async () => {
  const isolated = isolatedStack('cap');
  api = await startTestApi(isolated, { complete: true });
  worker = startTs('packages/transcoder/src/main.ts', {
    ...stackEnv(),
    ...isolated,
    X264_PRESET: 'ultrafast',
    HLS_SEGMENT_S: '2',
  });
  const [clip] = await Promise.all([
    makeClip({ width: 640, height: 360, seconds: 12, fps: 25 }),
    worker.waitFor(/worker ready/, 60_000),
    (async () => (admin = await signup(api.url, 'Captions Org')))(),
    (async () => (browser = await launchBrowser()))(),
  ]);
  videoId = await uploadVideo(api.url, admin.accessToken, clip, 'Captioned');
  const video = await waitForVideoStatus(api, admin.accessToken, videoId, ['ready', 'failed']);
  if (video.status !== 'ready') throw new Error(`transcode failed: ${JSON.stringify(video.error)}`);
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await worker?.stop('SIGKILL');
  await api?.close();
});

describe('captions through signed HLS in Chromium', () => {
  it('sanitises the SubRip upload and shows each cue in activeCues at its time only', async () => {
    const form = new FormData();
    form.set('file', new Blob([SRT], { type: 'application/x-subrip' }), 'english.srt');
    form.set('language', 'en');
    form.set('label', 'English');
    form.set('default', 'true');
    const created = await call(api.url, 'POST', `/v1/videos/${videoId}/captions`, {
      token: admin.accessToken,
      body: form,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const captionId = created.body.id as string;

    const playback = await call(api.url, 'GET', `/v1/videos/${videoId}/playback`, {
      token: admin.accessToken,
    });
    expect(playback.status).toBe(200);
    const master = playback.body.hls as string;
    const masterText = await (await fetch(master)).text();
    expect(masterText).toMatch(/#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs"[^\n]*LANGUAGE="en"/);
    expect(
      masterText
        .split('\n')
        .filter((l) => l.startsWith('#EXT-X-STREAM-INF'))
        .every((l) => l.includes('SUBTITLES="subs"')),
    ).toBe(true);
    const vtt = await (await fetch(new URL(`subs/${captionId}.vtt`, master))).text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt).not.toMatch(/script|alert/);
    expect(vtt).toContain('<b>world</b>');

    const hlsJs = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
    site = await serveSite(
      {
        '/': `<!doctype html><meta charset="utf-8"><video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
  const v = document.getElementById('v');
  const hls = new Hls();
  window.samples = [];
  hls.on(Hls.Events.ERROR, (_e, d) => d.fatal && (window.fatal = d.details));
  // Chosen once hls.js knows the group (earlier, on MANIFEST_PARSED, it stays disabled).
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => { hls.subtitleDisplay = true; hls.subtitleTrack = 0; });
  hls.loadSource(${JSON.stringify(master)});
  hls.attachMedia(v);
  v.play();
  setInterval(() => {
    const track = [...v.textTracks].find((t) => t.mode === 'showing');
    const cues = track && track.activeCues ? [...track.activeCues].map((c) => c.text) : [];
    window.samples.push({ t: v.currentTime, cues });
  }, 100);
</script>`,
      },
      { '/hls.min.js': hlsJs },
    );
    const page = await browser.open(`${site.url}/`);
    await page.waitForFunction(
      () => (document.getElementById('v') as HTMLVideoElement).currentTime > 8.6 || 'fatal' in window,
      undefined,
      { timeout: 120_000 },
    );
    const { fatal, samples } = await page.evaluate(() => ({
      fatal: (window as unknown as { fatal?: string }).fatal,
      samples: (window as unknown as { samples: Array<{ t: number; cues: string[] }> }).samples,
    }));
    expect(fatal).toBeUndefined();
    // Away from the cue edges (a sampling period and a frame of slack on each side).
    const within = (from: number, to: number) => samples.filter((s) => s.t > from && s.t < to);
    expect(within(2.3, 4.2).length).toBeGreaterThan(3);
    for (const s of within(2.3, 4.2)) expect(s.cues, `at ${s.t}`).toEqual(['Hello <b>world</b>']);
    for (const s of within(0.2, 1.7)) expect(s.cues, `at ${s.t}`).toEqual([]);
    for (const s of within(4.8, 5.7)) expect(s.cues, `at ${s.t}`).toEqual([]);
    expect(within(6.3, 7.7).length).toBeGreaterThan(3);
    for (const s of within(6.3, 7.7)) expect(s.cues, `at ${s.t}`).toEqual(['Second cue']);
  }, 180_000);
});
