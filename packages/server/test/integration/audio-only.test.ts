// Audio-only assets with real processes: an m4a, mp3, wav, flac and Ogg/Opus file, made with
// ffmpeg, uploaded through the API (multipart, and tus for one), transcoded by a real worker,
// each becomes `ready` as an audio asset: an audio-only HLS ladder whose variants decode, a
// progressive `.m4a` served by `/file` as `audio/mp4` with ranges, a generated 1280×720 poster,
// no storyboard.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  signup,
  startTestApi,
  uploadVideo,
  type TestApi,
} from '../../../../test/support/api-server.js';
import { runFfmpeg } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { isolatedStack, stackEnv } from '../../../../test/support/stack-env.js';
import { tusCreate, tusPatch } from '../../../../test/support/tus-requests.js';
import {
  TRANSCODE_TEST_TIMEOUT_MS,
  waitForVideoStatus,
} from '../../../../test/support/wait-for-transcode.js';

const exec = promisify(execFile);
const SECONDS = 5;

/** Each format as ffmpeg makes it: the file name and the codec arguments. */
const FORMATS: Array<[name: string, file: string, codec: string[], mimeType: string]> = [
  ['AAC in M4A', 'tone.m4a', ['-c:a', 'aac', '-b:a', '96k'], 'audio/mp4'],
  ['MP3', 'tone.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k'], 'audio/mpeg'],
  ['WAV', 'tone.wav', ['-c:a', 'pcm_s16le'], 'audio/wav'],
  ['FLAC', 'tone.flac', ['-c:a', 'flac'], 'audio/flac'],
  ['Opus in Ogg', 'tone.ogg', ['-c:a', 'libopus', '-b:a', '64k'], 'audio/ogg'],
];

let api: TestApi;
let worker: Proc;
let admin: Awaited<ReturnType<typeof signup>>;
let folder: string;
const ids = new Map<string, string>();

async function tusUpload(file: string, title: string): Promise<string> {
  const bytes = new Uint8Array(await readFile(file));
  const auth = { authorization: `Bearer ${admin.accessToken}` };
  const created = await tusCreate(api.url, auth, bytes.length, { title, filename: 'tone.flac' });
  expect(created.status, await created.clone().text()).toBe(201);
  const url = new URL(created.headers.get('location')!, api.url).href;
  const patched = await tusPatch(url, auth, 0, bytes);
  expect(patched.status, await patched.clone().text()).toBe(204);
  return url.split('/').at(-1)!;
}

beforeAll(async () => {
  const isolated = isolatedStack('audonly');
  api = await startTestApi(isolated, { complete: true });
  worker = startTs('packages/transcoder/src/main.ts', { ...stackEnv(), ...isolated, HLS_SEGMENT_S: '2' });
  folder = await mkdtemp(join(tmpdir(), 'reelkit-audio-only-'));
  await Promise.all([
    ...FORMATS.map(([, file, codec]) =>
      runFfmpeg([
        ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${SECONDS}`],
        ...['-ac', '2', ...codec, join(folder, file)],
      ]),
    ),
    worker.waitFor(/worker ready/, 60_000),
    (async () => (admin = await signup(api.url, 'Podcast Org')))(),
  ]);
  for (const [name, file] of FORMATS) {
    const path = join(folder, file);
    // One format goes through the resumable route: both upload paths sniff the same allow-list.
    ids.set(
      name,
      file.endsWith('.flac')
        ? await tusUpload(path, name)
        : await uploadVideo(api.url, admin.accessToken, path, name),
    );
  }
}, TRANSCODE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await api?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('audio-only uploads', { timeout: TRANSCODE_TEST_TIMEOUT_MS }, () => {
  it.each(FORMATS)(
    '%s becomes a ready audio asset with an audio-only ladder, an .m4a and a poster',
    async (name, _file, _codec, mimeType) => {
      const id = ids.get(name)!;
      const video = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
      expect(video.status, JSON.stringify(video.error)).toBe('ready');
      expect(video).toMatchObject({
        mediaType: 'audio',
        renditions: [],
        hasPoster: true,
        hasStoryboard: false,
        hasProgressiveMp4: true,
        source: { mimeType },
        metadata: { hasVideo: false, hasAudio: true },
      });
      expect(video.metadata.duration).toBeCloseTo(SECONDS, 0);

      const playback = (await call(api.url, 'GET', `/v1/videos/${id}/playback`, { token: admin.accessToken }))
        .body;
      expect(playback.storyboard).toBeNull();
      expect(playback.hls).toMatch(/\/hls\/master\.m3u8$/);
      const master = await (await fetch(playback.hls)).text();
      const variants = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
      expect(variants, master).toHaveLength(2);
      for (const v of variants) {
        expect(v).toMatch(/BANDWIDTH=\d+/);
        expect(v).toContain('CODECS="mp4a.40.2"');
        expect(v).not.toContain('RESOLUTION');
      }
      const bandwidths = variants.map((v) => Number(/[:,]BANDWIDTH=(\d+)/.exec(v)![1]));
      // 128 and 64 kbit/s AAC (plus container overhead), highest first.
      expect(bandwidths[0]).toBeGreaterThan(100_000);
      expect(bandwidths[0]).toBeLessThan(200_000);
      expect(bandwidths[1]).toBeGreaterThan(45_000);
      expect(bandwidths[1]).toBeLessThan(100_000);

      // ffprobe reads the low variant through the signed URLs, as an HLS client would: audio only.
      const low = new URL(master.split('\n')[master.split('\n').indexOf(variants[1]!) + 1]!, playback.hls)
        .href;
      const { stdout } = await exec('ffprobe', [
        ...['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,channels:format=duration'],
        ...['-of', 'json', low],
      ]);
      const probed = JSON.parse(stdout) as {
        streams: Array<{ codec_type: string; codec_name: string; channels: number }>;
        format: { duration: string };
      };
      expect(probed.streams).toEqual([{ codec_type: 'audio', codec_name: 'aac', channels: 2 }]);
      expect(Number(probed.format.duration)).toBeGreaterThan(SECONDS - 0.5);
      expect(Number(probed.format.duration)).toBeLessThan(SECONDS + 0.5);

      const poster = await fetch(playback.poster);
      expect(poster.headers.get('content-type')).toBe('image/jpeg');
      const posterFile = join(folder, `${id}.jpg`);
      await writeFile(posterFile, new Uint8Array(await poster.arrayBuffer()));
      const size = await exec('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'stream=width,height',
        '-of',
        'csv=p=0',
        posterFile,
      ]);
      expect(size.stdout.trim()).toBe('1280,720');

      // The progressive file: an .m4a, as audio/mp4, with ranges.
      const auth = { authorization: `Bearer ${admin.accessToken}` };
      const whole = await fetch(`${api.url}/v1/videos/${id}/file`, { headers: auth });
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('audio/mp4');
      const body = new Uint8Array(await whole.arrayBuffer());
      expect(Buffer.from(body.subarray(4, 8)).toString('latin1')).toBe('ftyp');
      const part = await fetch(`${api.url}/v1/videos/${id}/file`, {
        headers: { ...auth, range: 'bytes=100-199' },
      });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${body.length}`);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(body.subarray(100, 200));
    },
  );
});
