// Captions end to end: a SubRip file uploaded to the real API (with a <script> in a cue) after the
// real worker transcoded the video, then bare hls.js in Chromium on another origin plays the signed
// master playlist the server serves with its SUBTITLES group, and the cue's text must be in the
// track's activeCues while the video is inside the cue's interval, and nowhere else. The WebVTT's
// X-TIMESTAMP-MAP must match where the ladder's fMP4 timeline starts. And an MKV with two audio
// languages and a SubRip stream gets both groups, its subtitles becoming a caption on their own.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api-server.js';
import type { StaticSite } from '../support/browser.js';
import { makeClip, runFfmpeg } from '../support/clips.js';
import { serveHlsJsPage } from '../support/hls-page.js';
import { baseMediaDecodeTime, mediaTimescale } from '../support/mp4-boxes.js';
import { startTranscodingStack, type TranscodingStack } from '../support/transcoding-stack.js';
import { TRANSCODE_TEST_TIMEOUT_MS } from '../support/wait-for-transcode.js';

const SRT = `1
00:00:02,000 --> 00:00:04,500
Hello <script>alert("x")</script><b>world</b>

2
00:00:06,000 --> 00:00:08,000
Second cue
`;

let stack: TranscodingStack;
let site: StaticSite;
let videoId: string;
let mkvId: string;
let folder: string;

/** The source's subtitles, stored as they are (`-c:s copy`): the <script> is in the MKV itself. */
const SOURCE_SRT = `1
00:00:02,000 --> 00:00:04,500
Hello <script>alert(1)</script><b>bold</b>
`;

/** English 5.1 (default) and French stereo audio, and an English SubRip stream. */
async function makeMkv(): Promise<string> {
  folder = await mkdtemp(join(tmpdir(), 'reelkit-source-captions-'));
  const srt = join(folder, 'source.srt');
  const mkv = join(folder, 'two-languages-subtitled.mkv');
  await writeFile(srt, SOURCE_SRT);
  await runFfmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=10'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=10'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=48000:duration=10'],
    ...['-i', srt, '-map', '0:v', '-map', '1:a', '-map', '2:a', '-map', '3:s'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-c:s', 'copy'],
    ...['-ac:a:0', '6', '-ac:a:1', '2'],
    ...['-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra'],
    ...['-metadata:s:s:0', 'language=eng', '-disposition:a:0', 'default', '-disposition:a:1', '0'],
    mkv,
  ]);
  return mkv;
}

beforeAll(async () => {
  const [started, clip, mkv] = await Promise.all([
    startTranscodingStack('cap', { orgName: 'Captions Org' }),
    makeClip({ width: 640, height: 360, seconds: 12, fps: 25 }),
    makeMkv(),
  ]);
  stack = started;
  [videoId, mkvId] = await Promise.all([
    stack.uploadReady(clip, 'Captioned'),
    stack.uploadReady(mkv, 'Two languages, subtitled'),
  ]);
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await site?.close();
  await stack?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The signed master of a video, its text and the lines that start with `prefix`. */
async function signedMaster(id: string) {
  const url = await stack.masterOf(id);
  const text = await (await fetch(url)).text();
  const lines = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));
  return { url, text, lines };
}

describe('captions through signed HLS in Chromium', () => {
  it('sanitises the SubRip upload and shows each cue in activeCues at its time only', async () => {
    const form = new FormData();
    form.set('file', new Blob([SRT], { type: 'application/x-subrip' }), 'english.srt');
    form.set('language', 'en');
    form.set('label', 'English');
    form.set('default', 'true');
    const created = await call(stack.api.url, 'POST', `/v1/videos/${videoId}/captions`, {
      token: stack.admin.accessToken,
      body: form,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const captionId = created.body.id as string;

    const { url: master, text: masterText } = await signedMaster(videoId);
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

    // X-TIMESTAMP-MAP: cue time 0 is where the ladder's fMP4 timeline starts, on the 90 kHz clock.
    const variant = masterText.split('\n').find((l) => l.endsWith('.m3u8') && !l.startsWith('#'))!;
    const variantUrl = new URL(variant, master);
    const media = await (await fetch(variantUrl)).text();
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(media)![1]!;
    const first = media.split('\n').find((l) => l.endsWith('.m4s'))!;
    const bytes = async (uri: string) =>
      new Uint8Array(await (await fetch(new URL(uri, variantUrl))).arrayBuffer());
    const start = baseMediaDecodeTime(await bytes(first)) / mediaTimescale(await bytes(init));
    expect(vtt.split('\n')[1]).toBe(
      `X-TIMESTAMP-MAP=MPEGTS:${Math.round(start * 90_000)},LOCAL:00:00:00.000`,
    );

    site = await serveHlsJsPage(
      master,
      `window.samples = [];
  // Chosen once hls.js knows the group (earlier, on MANIFEST_PARSED, it stays disabled).
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => { hls.subtitleDisplay = true; hls.subtitleTrack = 0; });
  setInterval(() => {
    const track = [...v.textTracks].find((t) => t.mode === 'showing');
    const cues = track && track.activeCues ? [...track.activeCues].map((c) => c.text) : [];
    window.samples.push({ t: v.currentTime, cues });
  }, 100);`,
    );
    const page = await stack.browser.open(`${site.url}/`);
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

describe('captions and audio tracks from an MKV source', () => {
  it('two audio languages and a SubRip stream give an AUDIO and a SUBTITLES group; the caption is sanitised, listed and editable', async () => {
    const listed = await call(stack.api.url, 'GET', `/v1/videos/${mkvId}/captions`, {
      token: stack.admin.accessToken,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ language: 'en', label: 'English', kind: 'subtitles', source: 'source' }),
    ]);
    const captionId = listed.body.items[0].id as string;

    const { url: master, text, lines } = await signedMaster(mkvId);
    const audio = lines('#EXT-X-MEDIA:TYPE=AUDIO');
    expect(audio, text).toHaveLength(2);
    expect(
      audio.find((l) => l.includes('LANGUAGE="en"')),
      text,
    ).toMatch(/NAME="English",.*DEFAULT=YES.*CHANNELS="2"/);
    expect(
      audio.find((l) => l.includes('LANGUAGE="fr"')),
      text,
    ).toMatch(/NAME="French",.*DEFAULT=NO.*CHANNELS="2"/);
    const subtitles = lines('#EXT-X-MEDIA:TYPE=SUBTITLES');
    expect(subtitles, text).toEqual([expect.stringContaining(`LANGUAGE="en"`)]);
    expect(subtitles[0]).toContain(`URI="subs/${captionId}.m3u8"`);
    const variants = lines('#EXT-X-STREAM-INF');
    expect(variants.length).toBeGreaterThan(0);
    for (const v of variants) expect(v).toMatch(/AUDIO="[^"]+".*SUBTITLES="subs"/);

    // Every URI is relative, so it resolves under the signed token path, and is served there.
    const signedFolder = new URL('.', master).href;
    const uris = [
      ...[...text.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]!),
      ...text.split('\n').filter((l) => l && !l.startsWith('#')),
    ];
    for (const uri of uris) {
      const url = new URL(uri, master);
      expect(url.href.startsWith(signedFolder), uri).toBe(true);
      const res = await fetch(url);
      expect(res.status, uri).toBe(200);
      await res.arrayBuffer();
    }
    const subsPlaylist = await (await fetch(new URL(`subs/${captionId}.m3u8`, master))).text();
    const vttUri = subsPlaylist.split('\n').find((l) => l.endsWith('.vtt'))!;
    const vtt = await (await fetch(new URL(vttUri, new URL(`subs/${captionId}.m3u8`, master)))).text();
    expect(vtt.split('\n').slice(0, 2)).toEqual(['WEBVTT', 'X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000']);
    // The MKV starts at -21 ms (its AAC priming): ffmpeg moves the whole source by that, the
    // ladder's video and the extracted subtitles alike, so the cue stays with its frames.
    expect(vtt).toMatch(/\n00:00:02\.0[0-3]\d --> 00:00:04\.5[0-3]\d\n/);
    expect(vtt).not.toMatch(/<script/i);
    expect(vtt).toContain('<b>bold</b>');

    // Editable and deletable like an uploaded caption.
    const relabelled = await call(stack.api.url, 'PATCH', `/v1/videos/${mkvId}/captions/${captionId}`, {
      token: stack.admin.accessToken,
      body: { label: 'English (source)' },
    });
    expect(relabelled.status).toBe(200);
    expect((await signedMaster(mkvId)).lines('#EXT-X-MEDIA:TYPE=SUBTITLES')[0]).toContain(
      'NAME="English (source)"',
    );
    const deleted = await call(stack.api.url, 'DELETE', `/v1/videos/${mkvId}/captions/${captionId}`, {
      token: stack.admin.accessToken,
    });
    expect(deleted.status).toBe(204);
    expect((await signedMaster(mkvId)).lines('#EXT-X-MEDIA:TYPE=SUBTITLES')).toEqual([]);
    expect((await fetch(new URL(vttUri, new URL(`subs/${captionId}.m3u8`, master)))).status).toBe(404);
  }, 120_000);
});
