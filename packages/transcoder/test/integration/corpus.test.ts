// The real-world corpus through the real worker process: each output is read back with ffprobe for
// its size, pixel aspect, colour tags, frame rate, audio and A/V start times.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  QUEUES,
  TRANSCODE_JOBS,
  TRANSCODE_JOB_OPTIONS,
  type TranscodeJobData,
  type TranscodeResult,
} from '@reelkit/protocol';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIdetOutput } from '../../src/detect-field-order.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { TRANSCODE_TEST_TIMEOUT_MS, waitForJob } from '../../../../test/support/wait-for-transcode.js';
import {
  CORPUS,
  SURROUND_AMPLITUDE,
  SURROUND_CHANNELS,
  SURROUND_WINDOW_S,
  makeCorpusClip,
} from './corpus-clips.js';
import {
  frameRate as rate,
  renderCorpusReport,
  type CorpusRow,
  type ProbedStream,
  type RungMeasure,
} from './corpus-report.js';
import { distinctSpriteTiles, ffprobeJson, playlistSegments, putSource } from './transcode-helpers.js';

const exec = promisify(execFile);

/** One rung's init segment and media segments joined into one fMP4 file ffprobe reads directly. */
async function rungFile(storage: string, playlistKey: string): Promise<string> {
  const dir = join(storage, playlistKey, '..');
  const segments = playlistSegments(await readFile(join(storage, playlistKey), 'utf8'));
  const parts = [await readFile(join(dir, 'init.mp4'))];
  for (const s of segments) parts.push(await readFile(join(dir, s.uri)));
  const file = join(
    tmpdir(),
    `reelkit-corpus-rung-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`,
  );
  await writeFile(file, Buffer.concat(parts));
  return file;
}

async function probeStreams(file: string): Promise<{ video: ProbedStream; audio?: ProbedStream }> {
  const { streams } = (await ffprobeJson(['-show_streams', file])) as { streams: ProbedStream[] };
  return {
    video: streams.find((s) => s.codec_type === 'video')!,
    audio: streams.find((s) => s.codec_type === 'audio'),
  };
}

/** Peak level (dBFS) of each channel of the first audio stream. */
async function channelPeaks(file: string): Promise<number[]> {
  const { stderr } = await exec('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-i',
    file,
    '-map',
    '0:a:0',
    '-af',
    'astats=measure_overall=none:measure_perchannel=Peak_level',
    '-f',
    'null',
    '-',
  ]);
  return [...stderr.matchAll(/Peak level dB: (-?[\d.]+|-inf)/g)].map((m) =>
    m[1] === '-inf' ? -Infinity : Number(m[1]),
  );
}

/** RMS level (dBFS) of each channel of the first audio stream between `from` and `from + seconds`. */
async function channelRms(file: string, from: number, seconds: number): Promise<number[]> {
  const { stderr } = await exec('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-ss',
    String(from),
    '-t',
    String(seconds),
    '-i',
    file,
    '-map',
    '0:a:0',
    '-af',
    'astats=measure_overall=none:measure_perchannel=RMS_level',
    '-f',
    'null',
    '-',
  ]);
  return [...stderr.matchAll(/RMS level dB: (-?[\d.]+|-inf)/g)].map((m) =>
    m[1] === '-inf' ? -Infinity : Number(m[1]),
  );
}

/**
 * Times (s) of the white frames of the video and of the beeps' onsets in the audio, the audio
 * timed two ways: by its timestamps (where an MSE player puts each frame) and by counting samples
 * from its first (what a player that plays audio back to back hears). Both must agree with the
 * picture: the output's audio must be continuous and true to its timestamps.
 */
async function syncMarkers(
  file: string,
  audioFile: string,
): Promise<{ flashes: number[]; beeps: number[]; counted: number[] }> {
  const { stdout } = await exec('ffprobe', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `movie=${file},signalstats`,
    '-show_entries',
    'frame=pts_time:frame_tags=lavfi.signalstats.YAVG',
    '-of',
    'csv=p=0',
  ]);
  const flashes = stdout
    .split('\n')
    .map((l) => l.split(','))
    .filter(([, y]) => Number(y) > 100)
    .map(([t]) => Number(t));
  // silencedetect also ends a silence at the end of the stream: that is no beep.
  const last = Math.max(...flashes);
  const onsets = async (timing: string) => {
    const { stderr } = await exec('ffmpeg', [
      '-hide_banner',
      '-nostdin',
      '-i',
      audioFile,
      '-map',
      '0:a:0',
      '-af',
      `${timing}silencedetect=n=-30dB:d=0.1`,
      '-f',
      'null',
      '-',
    ]);
    return [...stderr.matchAll(/silence_end: (-?[\d.]+)/g)]
      .map((m) => Number(m[1]))
      .filter((t) => t < last + 0.5);
  };
  return { flashes, beeps: await onsets(''), counted: await onsets('asetpts=STARTPTS+N/SR/TB,') };
}

/** For each beep, how far (s) it is from the nearest flash: + when the sound comes late. */
function beepOffsets(flashes: number[], beeps: number[]): number[] {
  return beeps.map((b) => {
    const nearest = flashes.reduce((best, f) => (Math.abs(f - b) < Math.abs(best - b) ? f : best));
    return Math.round((b - nearest) * 1000) / 1000;
  });
}

/** The native AAC encoder's priming: 1024 samples at 48 kHz. */
const AAC_PRIMING_S = 1024 / 48_000;

/**
 * The stereo downmix docs/transcoding.md states (STEREO_DOWNMIX): each source channel's gain in
 * the left and right ear before normalisation — fronts 1 to their side, the centre and every
 * surround −3 dB, no LFE — then the matrix divided by its largest row sum, so that nothing clips.
 * Written out here rather than imported, so a change of the filter cannot change what is expected.
 */
const DOWNMIX: Readonly<Record<string, readonly [number, number]>> = {
  FL: [1, 0],
  FR: [0, 1],
  FC: [Math.SQRT1_2, Math.SQRT1_2],
  LFE: [0, 0],
  BL: [Math.SQRT1_2, 0],
  BR: [0, Math.SQRT1_2],
  SL: [Math.SQRT1_2, 0],
  SR: [0, Math.SQRT1_2],
};
const LAYOUTS = {
  '5.1': ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR'],
  '7.1': ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'SL', 'SR'],
} as const;

/** Expected dB (to the source channel's level) of `channel` in each ear for a `layout` source. */
function downmixDb(layout: keyof typeof LAYOUTS, channel: string): [number, number] {
  const rowSum = (ear: 0 | 1) => LAYOUTS[layout].reduce((sum, c) => sum + DOWNMIX[c]![ear], 0);
  const norm = Math.max(1, rowSum(0), rowSum(1));
  const [l, r] = DOWNMIX[channel]!;
  return [20 * Math.log10(l / norm), 20 * Math.log10(r / norm)];
}

/** RMS (dBFS) of `sine()`'s 440 Hz tone at ffmpeg's default amplitude of 1/8. */
const SINE_RMS_DB = 20 * Math.log10(1 / 8 / Math.SQRT2);

/** Within 1 dB of each ear's expected level; an expected −∞ (silence) must be 40 dB under the tone. */
function expectEars(rms: number[], want: readonly [number, number], tone: number, what: string): void {
  expect(rms, what).toHaveLength(2);
  for (const [i, w] of want.entries()) {
    if (w === -Infinity) expect(rms[i]!, `${what} ch${i}`).toBeLessThan(tone - 40);
    else
      expect(Math.abs(rms[i]! - (tone + w)), `${what} ch${i}: ${rms[i]} dBFS, want ${tone + w}`).toBeLessThan(
        1,
      );
  }
}

/** Levels relative to the source tone, for the report: `-9.9/−∞`. */
const relative = (rms: number[], tone: number) =>
  rms.map((r) => (r === -Infinity ? '−∞' : (r - tone).toFixed(1))).join('/');

/**
 * Prints the corpus table, and with CORPUS_REPORT=<path> (relative to the repository) writes it
 * there too, formatted as the repository's Markdown is (`npm run corpus:report` → docs/corpus.md).
 */
async function writeCorpusReport(rows: CorpusRow[]): Promise<void> {
  const { stdout } = await exec('ffmpeg', ['-hide_banner', '-version']);
  const doc = renderCorpusReport(rows, CORPUS, {
    date: new Date(),
    ffmpeg: stdout.split('\n')[0]!.split(' Copyright')[0]!,
    node: process.version,
  });
  process.stdout.write(`\n${doc}`);
  const target = process.env.CORPUS_REPORT;
  if (!target) return;
  const path = resolve(fileURLToPath(new URL('../../../..', import.meta.url)), target);
  const prettier = await import('prettier');
  const options = await prettier.resolveConfig(path);
  await writeFile(path, await prettier.format(doc, { ...options, filepath: path }));
}

// Generous budgets: the machine is shared, and one clip can wait minutes for a core.
describe('real-world sources come out right', { timeout: TRANSCODE_TEST_TIMEOUT_MS }, () => {
  const env = stackEnv();
  const prefix = `${env.REDIS_PREFIX}-corpus`;
  const storage = join(env.STORAGE_DIR, 'corpus');
  let worker: Proc;
  let connection: Redis;
  let queue: Queue;
  let events: QueueEvents;
  /** Measured values per clip: the corpus table. */
  const table: CorpusRow[] = [];
  /** Each clip's generated source file, by name. */
  const sources = new Map<string, string>();

  beforeAll(async () => {
    worker = startTs('packages/transcoder/src/main.ts', {
      ...env,
      REDIS_PREFIX: prefix,
      STORAGE_DIR: storage,
      WORKER_CONCURRENCY: '1',
      X264_PRESET: 'ultrafast',
      HLS_SEGMENT_S: '2',
    });
    connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUES.transcode, { connection, prefix });
    events = new QueueEvents(QUEUES.transcode, { connection: connection.duplicate(), prefix });
    await Promise.all([worker.waitFor(/worker ready/), events.waitUntilReady()]);
  });

  afterAll(async () => {
    await worker?.stop();
    await events?.close();
    await queue?.close();
    connection?.disconnect();
    if (table.length > 0) await writeCorpusReport(table);
  });

  async function transcode(name: string): Promise<TranscodeResult> {
    const clip = CORPUS.find((c) => c.name === name)!;
    const path = await makeCorpusClip(clip);
    sources.set(name, path);
    const videoId = `c-${name.replace(/[^a-z0-9]/gi, '')}`;
    const data: TranscodeJobData = {
      orgId: 'org-c',
      videoId,
      sourceKey: await putSource(storage, 'org-c', videoId, path),
    };
    const job = await queue.add(TRANSCODE_JOBS.transcode, data, { ...TRANSCODE_JOB_OPTIONS, jobId: videoId });
    return waitForJob<TranscodeResult>(job, events);
  }

  /**
   * Every rung: video only, square pixels, 8-bit 4:2:0 tagged BT.709 (BT.601 for untagged SD
   * sources), a constant frame rate equal to its FRAME-RATE; the default audio rendition stereo
   * 48 kHz, starting within one frame of the video. Returns what was measured on each rung.
   */
  async function expectRungs(result: TranscodeResult) {
    const defaultTrack = result.audioTracks?.find((t) => t.default);
    const audioFile = defaultTrack ? await rungFile(storage, defaultTrack.playlistKey) : undefined;
    const audio = audioFile ? (await probeStreams(audioFile)).audio : undefined;
    expect(Boolean(audio)).toBe(result.metadata.hasAudio);
    // Untagged SD sources are tagged BT.601, everything else BT.709 (HDR after tonemapping).
    const sd = result.metadata.hdr === null && Math.min(result.metadata.width, result.metadata.height) <= 576;
    const master = await readFile(join(storage, result.masterKey), 'utf8');
    const measured = [];
    for (const r of result.renditions) {
      const file = await rungFile(storage, r.playlistKey);
      const { video, audio: muxed } = await probeStreams(file);
      expect(muxed).toBeUndefined();
      expect([video.width, video.height]).toEqual([r.width, r.height]);
      expect(video.sample_aspect_ratio ?? '1:1').toBe('1:1');
      expect(video.pix_fmt).toBe('yuv420p');
      expect([video.color_space, video.color_transfer, video.color_primaries]).toEqual(
        sd ? ['smpte170m', 'smpte170m', 'smpte170m'] : ['bt709', 'bt709', 'bt709'],
      );
      expect(rate(video.r_frame_rate)).toBeCloseTo(r.frameRate, 2);
      expect(master).toContain(`RESOLUTION=${r.width}x${r.height},`);
      expect(master).toMatch(
        new RegExp(`RESOLUTION=${r.width}x${r.height},[^\\n]*FRAME-RATE=${r.frameRate.toFixed(3)}`),
      );
      let avStartS: number | undefined;
      if (audio) {
        expect(audio.channels).toBe(2);
        expect(audio.sample_rate).toBe('48000');
        // The AAC encoder's priming samples come before the first real sample (the muxer shifts
        // them to 0), so the first heard sample is at start + priming.
        avStartS = Number(audio.start_time) + AAC_PRIMING_S - Number(video.start_time);
        expect(Math.abs(avStartS)).toBeLessThanOrEqual(1 / r.frameRate + 1e-3);
      }
      measured.push({ r, video, audio, file, audioFile, avStartS });
    }
    return measured;
  }

  /** Adds a clip's row to the corpus table: its source and outputs as ffprobe reads them. */
  async function record(
    name: string,
    result: TranscodeResult,
    measured: Array<RungMeasure & { audio?: ProbedStream }>,
    got: string,
  ): Promise<void> {
    const { streams } = (await ffprobeJson(['-show_streams', sources.get(name)!])) as {
      streams: ProbedStream[];
    };
    const sb = result.storyboard;
    const vtt = sb ? await readFile(join(storage, sb.vttKey), 'utf8') : '';
    const cues = vtt.match(/-->/g)?.length ?? 0;
    table.push({
      name,
      source: streams.filter((s) => s.codec_type === 'video' || s.codec_type === 'audio'),
      expected: CORPUS.find((c) => c.name === name)!.expected,
      rungs: measured,
      audio: measured[0]?.audio,
      audioRenditions: result.audioTracks?.length ?? 0,
      storyboard: sb && {
        ...sb,
        cues,
        distinct: await distinctSpriteTiles(join(storage, sb.imageKey), sb, cues),
      },
      got,
    });
  }

  it.each([
    ['rotate-90', 270],
    ['rotate-180', 180],
    ['rotate-270', 90],
  ] as const)(
    '%s: the display matrix is applied once, and the outputs are upright',
    async (name, rotation) => {
      const result = await transcode(name);
      const portrait = rotation !== 180;
      expect(result.metadata.rotation).toBe(rotation);
      expect([result.metadata.width, result.metadata.height]).toEqual(portrait ? [180, 320] : [320, 180]);
      expect([result.renditions[0]!.width, result.renditions[0]!.height]).toEqual(
        portrait ? [180, 320] : [320, 180],
      );
      const measured = await expectRungs(result);
      const [top] = measured;
      // No display matrix left on the outputs: players must not turn them again.
      const side = (await ffprobeJson(['-show_streams', top!.file])) as {
        streams: Array<{ side_data_list?: unknown[] }>;
      };
      expect(side.streams.every((s) => !s.side_data_list)).toBe(true);
      const mp4 = await probeStreams(join(storage, result.mp4Key));
      const poster = await probeStreams(join(storage, result.posterKey));
      expect(mp4.video.height! > mp4.video.width!).toBe(portrait);
      expect(poster.video.height! > poster.video.width!).toBe(portrait);
      expect(result.storyboard!.tileHeight > result.storyboard!.tileWidth).toBe(portrait);
      await record(
        name,
        result,
        measured,
        `metadata rotation ${result.metadata.rotation}, ${result.metadata.width}×${result.metadata.height}; no display matrix on the outputs; mp4 ${mp4.video.width}×${mp4.video.height}, poster ${poster.video.width}×${poster.video.height}`,
      );
    },
  );

  it.each([
    ['hlg-hevc-10bit', 'hlg'],
    ['pq-hevc-10bit', 'pq'],
  ] as const)('%s: tonemapped to 8-bit SDR tagged BT.709', async (name, hdr) => {
    const result = await transcode(name);
    expect(result.metadata.hdr).toBe(hdr);
    const measured = await expectRungs(result);
    const mp4 = await probeStreams(join(storage, result.mp4Key));
    expect([mp4.video.pix_fmt, mp4.video.color_transfer, mp4.video.color_primaries]).toEqual([
      'yuv420p',
      'bt709',
      'bt709',
    ]);
    await record(
      name,
      result,
      measured,
      `metadata hdr ${result.metadata.hdr}; mp4 ${mp4.video.pix_fmt} ${mp4.video.color_primaries}/${mp4.video.color_transfer}`,
    );
  });

  it('anamorphic 720×480 at SAR 32:27 becomes square pixels at 16:9', async () => {
    const result = await transcode('anamorphic-720x480-sar32-27');
    expect([result.metadata.width, result.metadata.height]).toEqual([854, 480]);
    expect(result.renditions.map((r) => `${r.width}x${r.height}`)).toEqual(['854x480', '640x360', '428x240']);
    const measured = await expectRungs(result);
    const mp4 = await probeStreams(join(storage, result.mp4Key));
    expect(mp4.video.sample_aspect_ratio ?? '1:1').toBe('1:1');
    await record(
      'anamorphic-720x480-sar32-27',
      result,
      measured,
      `metadata ${result.metadata.width}×${result.metadata.height}; mp4 ${mp4.video.width}×${mp4.video.height} SAR ${mp4.video.sample_aspect_ratio ?? '1:1'}`,
    );
  });

  it.each(['interlaced-mpeg2-ts', 'interlaced-unflagged-avi'])(
    '%s: deinterlaced with bwdif (idet sees no combing in the output)',
    async (name) => {
      const result = await transcode(name);
      const measured = await expectRungs(result);
      const [top] = measured;
      const { stderr } = await exec('ffmpeg', [
        '-hide_banner',
        '-nostdin',
        '-i',
        top!.file,
        '-vf',
        'idet',
        '-f',
        'null',
        '-',
      ]);
      expect(parseIdetOutput(stderr)).toBeNull();
      const counts = /Multi frame detection:([^\n]*)/.exec(stderr)?.[1]?.trim() ?? '';
      await record(name, result, measured, `idet on the top rung: ${counts.replace(/\s+/g, ' ')}`);
    },
  );

  it('a variable-rate source is written at a constant rate that FRAME-RATE states', async () => {
    const result = await transcode('vfr');
    expect(result.metadata.fps).toBeLessThan(29);
    expect(result.renditions.map((r) => r.frameRate)).toEqual([30]);
    const measured = await expectRungs(result);
    const [top] = measured;
    expect(rate(top!.video.avg_frame_rate)).toBeCloseTo(30, 1);
    const master = await readFile(join(storage, result.masterKey), 'utf8');
    await record(
      'vfr',
      result,
      measured,
      `source avg ${result.metadata.fps} fps; output r=${top!.video.r_frame_rate} avg=${top!.video.avg_frame_rate}; master ${/FRAME-RATE=[\d.]+/.exec(master)?.[0]}`,
    );
  });

  it.each(['one-frame', '0.3s'])('%s becomes ready with a storyboard of one tile', async (name) => {
    const result = await transcode(name);
    expect(result.storyboard!.columns * result.storyboard!.rows).toBe(1);
    const vtt = await readFile(join(storage, result.storyboard!.vttKey), 'utf8');
    expect(vtt.match(/-->/g)).toHaveLength(1);
    const measured = await expectRungs(result);
    await record(
      name,
      result,
      measured,
      `ready in ${result.durations.total} ms; duration ${result.metadata.duration} s`,
    );
  });

  it('5.1 is downmixed to stereo: the centre in both ears at −3 dB of a normalised matrix', async () => {
    const result = await transcode('surround-5.1');
    const measured = await expectRungs(result);
    const [top] = measured;
    // The middle of the 1 s tone, clear of the encoder's ramps.
    const rms = await channelRms(top!.audioFile!, 0.2, 0.6);
    expectEars(rms, downmixDb('5.1', 'FC'), SINE_RMS_DB, 'FC');
    await record(
      'surround-5.1',
      result,
      measured,
      `${top!.audio!.channels} ch ${top!.audio!.sample_rate} Hz; centre → ${relative(rms, SINE_RMS_DB)} dB (L/R)`,
    );
  });

  it('7.1 is downmixed to stereo: every channel reaches its side (or both) at its coefficient', async () => {
    const result = await transcode('surround-7.1-one-channel-at-a-time');
    const measured = await expectRungs(result);
    const [top] = measured;
    expect(top!.audio!.channels).toBe(2);
    // A sine's RMS is its amplitude −3 dB; the coefficient is added to it.
    const full = 20 * Math.log10(SURROUND_AMPLITUDE / Math.SQRT2);
    const got: string[] = [];
    for (const [k, channel] of SURROUND_CHANNELS.entries()) {
      // The middle of the channel's window, clear of the edges and of the encoder's ramp.
      const rms = await channelRms(top!.audioFile!, k * SURROUND_WINDOW_S + 0.1, SURROUND_WINDOW_S - 0.2);
      expectEars(rms, downmixDb('7.1', channel.name), full, channel.name);
      got.push(`${channel.name} → ${relative(rms, full)}`);
    }
    await record(
      'surround-7.1-one-channel-at-a-time',
      result,
      measured,
      `${top!.audio!.channels} ch ${top!.audio!.sample_rate} Hz; dB relative to the source tone (L/R): ${got.join(', ')}`,
    );
  });

  it('of two audio streams both become renditions, the default one default: its mono in both ears at 48 kHz', async () => {
    const result = await transcode('two-audio-streams-mono-22k-default');
    expect(result.audioTracks!.map((t) => [t.id, t.default])).toEqual([
      ['a1', true],
      ['a0', false],
    ]);
    const measured = await expectRungs(result);
    const [top] = measured;
    const peaks = await channelPeaks(top!.audioFile!);
    // The first stream is silence: sound in the output means the default stream was chosen,
    // its mono tone at −3 dB in each ear (the same loudness as the source).
    for (const p of peaks) expect(p).toBeGreaterThan(-25);
    const rms = await channelRms(top!.audioFile!, 0.2, 0.6);
    expectEars(rms, [-3.01, -3.01], SINE_RMS_DB, 'mono');
    await record(
      'two-audio-streams-mono-22k-default',
      result,
      measured,
      `${top!.audio!.channels} ch ${top!.audio!.sample_rate} Hz; tone → ${relative(rms, SINE_RMS_DB)} dB (L/R)`,
    );
  });

  it('an MKV with English 5.1 and French stereo gives two stereo renditions and video-only variants', async () => {
    const name = 'two-languages-en-5.1-fr-stereo-mkv';
    const result = await transcode(name);
    expect(
      result.audioTracks!.map(({ id, language, label, channels, default: d, source }) => ({
        id,
        language,
        label,
        channels,
        default: d,
        source,
      })),
    ).toEqual([
      { id: 'a0', language: 'en', label: 'English', channels: 2, default: true, source: 'source' },
      { id: 'a1', language: 'fr', label: 'French', channels: 2, default: false, source: 'source' },
    ]);
    const measured = await expectRungs(result);
    const master = await readFile(join(storage, result.masterKey), 'utf8');
    expect(master).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/a0/index.m3u8"',
    );
    expect(master).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="fr",NAME="French",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/a1/index.m3u8"',
    );
    const variants = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF'));
    expect(variants.length).toBe(result.renditions.length);
    for (const v of variants) expect(v).toMatch(/CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",.*AUDIO="audio"$/);
    const got: string[] = [];
    for (const t of result.audioTracks!) {
      const file = await rungFile(storage, t.playlistKey);
      const { audio } = await probeStreams(file);
      expect(audio!.channels).toBe(2);
      // English: the tone on FL, FR, FC, BL and BR sums to 1 in each ear (the normalised row);
      // French: stereo, passed unchanged.
      const rms = await channelRms(file, 0.2, 0.6);
      expectEars(rms, [0, 0], SINE_RMS_DB, `${t.language}`);
      // RFC 8216: a variant's BANDWIDTH counts the highest-bandwidth audio rendition.
      for (const r of result.renditions) expect(r.bandwidth).toBeGreaterThan(t.bandwidth);
      got.push(
        `${t.language} "${t.label}" ${audio!.channels} ch, tone → ${relative(rms, SINE_RMS_DB)} dB (L/R)`,
      );
    }
    await record(
      name,
      result,
      measured,
      `${got.join('; ')}; ${variants.length} video-only variants with AUDIO="audio"`,
    );
  });

  it('audio that starts late stays in sync: first audio and video within one frame', async () => {
    const result = await transcode('audio-starts-late');
    const measured = await expectRungs(result);
    const top = measured[0]!;
    await record(
      'audio-starts-late',
      result,
      measured,
      `video start ${top.video.start_time} s, audio start ${top.audio!.start_time} s + ${AAC_PRIMING_S.toFixed(4)} s AAC priming (1 frame = ${(1 / top.r.frameRate).toFixed(3)} s)`,
    );
  });

  it.each([
    ['audio-drifts-1pct-mkv', 7],
    ['audio-starts-late-markers', 5],
  ] as const)('%s: every beep is heard within one frame of its flash', async (name, beepCount) => {
    const result = await transcode(name);
    const measured = await expectRungs(result);
    const [top] = measured;
    const markers = await syncMarkers(top!.file, top!.audioFile!);
    const offsets = beepOffsets(markers.flashes, markers.beeps);
    const counted = beepOffsets(markers.flashes, markers.counted);
    // Every beep after the first second (a beep at 0 follows no silence), none lost or doubled.
    for (const o of [offsets, counted]) {
      expect(o, JSON.stringify(markers)).toHaveLength(beepCount);
      for (const x of o) expect(Math.abs(x), JSON.stringify(o)).toBeLessThanOrEqual(1 / top!.r.frameRate);
    }
    const ms = (o: number[]) => o.map((x) => Math.round(x * 1000)).join(', ');
    await record(
      name,
      result,
      measured,
      `beep − flash per second (ms), by timestamps: ${ms(offsets)}; by sample count: ${ms(counted)}; 1 frame = ${Math.round(1000 / top!.r.frameRate)} ms`,
    );
  });

  it('60 fps keeps its rate on 720p and runs 480p and below at 30', async () => {
    const result = await transcode('60fps-720p');
    expect(result.renditions.map((r) => `${r.rung}@${r.frameRate}`)).toEqual([
      '720@60',
      '480@30',
      '360@30',
      '240@30',
    ]);
    const measured = await expectRungs(result);
    const master = await readFile(join(storage, result.masterKey), 'utf8');
    await record(
      '60fps-720p',
      result,
      measured,
      `master ${[...master.matchAll(/FRAME-RATE=[\d.]+/g)].map((m) => m[0]).join(', ')}`,
    );
  });
});
