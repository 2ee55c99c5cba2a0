// Real-world-shaped sources, generated with ffmpeg (nothing committed): phone rotation, HDR,
// anamorphic, interlaced, VFR, tiny, surround and multi-stream audio, high frame rate. Each is
// about a second and small, as the machine is shared.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../../../../test/support/clips.js';

/** One corpus entry: how it is made and what the pipeline must make of it. */
export interface CorpusClip {
  name: string;
  /** What a user relies on, for the report table. */
  expected: string;
  make(out: string): Promise<void>;
}

const video = (size: string, rate: number, seconds: number) => [
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`,
];
const sine = (seconds: number, extra = '') => [
  '-f',
  'lavfi',
  '-i',
  `sine=frequency=440:sample_rate=48000:duration=${seconds}${extra}`,
];
const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const aac = ['-c:a', 'aac'];

async function rotated(out: string, degrees: number): Promise<void> {
  const plain = `${out}.plain.mp4`;
  await runFfmpeg([...video('320x180', 25, 1), ...sine(1), ...x264, ...aac, '-shortest', plain]);
  // ffmpeg 5.1 writes a display matrix only when it stream-copies (a re-encode drops the tag).
  await runFfmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${degrees}`, out]);
}

async function hdr(out: string, transfer: 'arib-std-b67' | 'smpte2084'): Promise<void> {
  await runFfmpeg([
    ...video('320x180', 25, 1),
    ...sine(1),
    '-c:v',
    'libx265',
    '-preset',
    'ultrafast',
    '-x265-params',
    'log-level=error',
    '-pix_fmt',
    'yuv420p10le',
    '-color_primaries',
    'bt2020',
    '-color_trc',
    transfer,
    '-colorspace',
    'bt2020nc',
    '-tag:v',
    'hvc1',
    ...aac,
    '-shortest',
    out,
  ]);
}

/**
 * Sync markers: a black picture with one white frame at each whole second, and a 40 ms 1 kHz beep
 * at each whole second; the audio input optionally offset (`-itsoffset`) by `audioLateS`.
 */
function markers(seconds: number, audioLateS = 0): string[] {
  return [
    '-f',
    'lavfi',
    '-i',
    `color=c=black:s=320x180:r=25:d=${seconds},drawbox=enable='lt(mod(t\\,1)\\,0.04)':color=white:t=fill`,
    ...(audioLateS ? ['-itsoffset', String(audioLateS)] : []),
    '-f',
    'lavfi',
    '-i',
    // Late audio was recorded from `audioLateS` on: its beeps fall on the same whole seconds.
    `aevalsrc='if(lt(mod(t+${audioLateS}\\,1)\\,0.04)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000:d=${seconds - audioLateS}`,
  ];
}

/** 7.1 channels in ffmpeg's order, each with its tone (the LFE a low one). */
export const SURROUND_CHANNELS = [
  { name: 'FL', hz: 300 },
  { name: 'FR', hz: 400 },
  { name: 'FC', hz: 500 },
  { name: 'LFE', hz: 60 },
  { name: 'BL', hz: 700 },
  { name: 'BR', hz: 800 },
  { name: 'SL', hz: 900 },
  { name: 'SR', hz: 1000 },
] as const;
/** Each channel sounds alone for this long, one after the other. */
export const SURROUND_WINDOW_S = 0.5;
/** Amplitude of each tone (−6 dBFS peak, −9 dBFS RMS). */
export const SURROUND_AMPLITUDE = 0.5;

/** aevalsrc channel expressions: channel k plays its tone during window k only. */
function surroundExpr(): string {
  return SURROUND_CHANNELS.map(
    (c, k) =>
      `if(between(t\\,${k * SURROUND_WINDOW_S}\\,${(k + 1) * SURROUND_WINDOW_S})\\,${SURROUND_AMPLITUDE}*sin(2*PI*${c.hz}*t)\\,0)`,
  ).join('|');
}

/** The corpus, by name. */
export const CORPUS: readonly CorpusClip[] = [
  {
    name: 'rotate-90',
    expected: 'matrix +90 (ccw): rotation 270, portrait 180×320',
    make: (out) => rotated(out, 90),
  },
  {
    name: 'rotate-180',
    expected: 'rotation 180, landscape 320×180',
    make: (out) => rotated(out, 180),
  },
  {
    name: 'rotate-270',
    expected: 'matrix −90 (a phone’s portrait): rotation 90, portrait 180×320',
    make: (out) => rotated(out, 270),
  },
  {
    name: 'hlg-hevc-10bit',
    expected: 'hdr hlg; outputs 8-bit BT.709-tagged',
    make: (out) => hdr(out, 'arib-std-b67'),
  },
  {
    name: 'pq-hevc-10bit',
    expected: 'hdr pq; outputs 8-bit BT.709-tagged',
    make: (out) => hdr(out, 'smpte2084'),
  },
  {
    name: 'anamorphic-720x480-sar32-27',
    expected: 'square pixels at 16:9: 854×480 and down',
    make: (out) =>
      runFfmpeg([
        ...video('720x480', 25, 1),
        ...sine(1),
        '-vf',
        'setsar=32/27',
        ...x264,
        ...aac,
        '-shortest',
        out,
      ]),
  },
  {
    name: 'interlaced-mpeg2-ts',
    expected: 'field order tt: deinterlaced (idet on output sees progressive), 25 fps',
    make: (out) =>
      runFfmpeg([
        ...video('320x240', 50, 1),
        ...sine(1),
        '-vf',
        'interlace=scan=tff,setfield=tff',
        '-c:v',
        'mpeg2video',
        '-flags',
        '+ilme+ildct',
        '-top',
        '1',
        '-b:v',
        '2M',
        '-c:a',
        'mp2',
        '-shortest',
        '-f',
        'mpegts',
        out,
      ]),
  },
  {
    name: 'interlaced-unflagged-avi',
    expected: 'field order unknown: idet finds TFF, deinterlaced',
    make: (out) =>
      runFfmpeg([
        ...video('320x240', 50, 1),
        '-vf',
        'interlace=scan=tff',
        '-c:v',
        'mpeg4',
        '-q:v',
        '3',
        '-f',
        'avi',
        out,
      ]),
  },
  {
    name: 'vfr',
    expected: 'every 5th frame dropped (avg 24 of 30): constant 30 fps, FRAME-RATE=30.000',
    make: (out) =>
      runFfmpeg([
        ...video('320x180', 30, 2),
        ...sine(2),
        '-vf',
        "select='mod(n\\,5)'",
        '-fps_mode',
        'vfr',
        ...x264,
        ...aac,
        '-shortest',
        out,
      ]),
  },
  {
    name: 'one-frame',
    expected: 'ready, 1 storyboard tile',
    make: (out) => runFfmpeg([...video('320x180', 25, 1), '-frames:v', '1', ...x264, out]),
  },
  {
    name: '0.3s',
    expected: 'ready, 1 storyboard tile',
    make: (out) => runFfmpeg([...video('320x180', 25, 0.3), ...sine(0.3), ...x264, ...aac, out]),
  },
  {
    name: 'surround-5.1',
    expected:
      'stereo 48 kHz: the centre in both ears at −10.7 dB (−3 dB, then ÷2.414 so nothing clips), ±1 dB',
    make: (out) =>
      runFfmpeg([
        ...video('320x180', 25, 1),
        ...sine(1),
        '-af',
        'pan=5.1|FL=0*c0|FR=0*c0|FC=c0|LFE=0*c0|BL=0*c0|BR=0*c0',
        ...x264,
        ...aac,
        '-shortest',
        out,
      ]),
  },
  {
    name: 'surround-7.1-one-channel-at-a-time',
    expected:
      'stereo, ÷3.121 (−9.9 dB) so nothing clips: FL/FR −9.9 dB to their side; C −12.9 dB to both; side and back −12.9 dB to their side; LFE dropped; silence elsewhere (±1 dB)',
    make: (out) =>
      runFfmpeg([
        ...video('320x180', 25, SURROUND_CHANNELS.length * SURROUND_WINDOW_S),
        '-f',
        'lavfi',
        '-i',
        `aevalsrc='${surroundExpr()}':channel_layout=7.1:sample_rate=48000:duration=${SURROUND_CHANNELS.length * SURROUND_WINDOW_S}`,
        ...x264,
        ...aac,
        '-b:a',
        '384k',
        out,
      ]),
  },
  {
    name: 'two-audio-streams-mono-22k-default',
    expected: 'the default (2nd) stream: its mono 22.05 kHz tone in both ears at −3 dB, 48 kHz',
    make: (out) =>
      runFfmpeg([
        ...video('320x180', 25, 1),
        '-f',
        'lavfi',
        '-i',
        'anullsrc=channel_layout=stereo:sample_rate=48000',
        ...sine(1, ''),
        '-filter_complex',
        '[2:a]aresample=22050,pan=mono|c0=c0[m]',
        '-map',
        '0:v',
        '-map',
        '1:a',
        '-map',
        '[m]',
        ...x264,
        ...aac,
        '-disposition:a:0',
        '0',
        '-disposition:a:1',
        'default',
        '-t',
        '1',
        out,
      ]),
  },
  {
    name: 'two-languages-en-5.1-fr-stereo-mkv',
    expected:
      'two stereo renditions: English (5.1 downmixed, default; its tone on FL/FR/FC/BL/BR at 0 dB) and French (stereo unchanged, 0 dB); variants video-only',
    make: (out) =>
      runFfmpeg([
        ...video('320x180', 25, 1),
        ...sine(1),
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=880:sample_rate=48000:duration=1',
        '-filter_complex',
        '[1:a]pan=5.1|FL=c0|FR=c0|FC=c0|LFE=0*c0|BL=c0|BR=c0[en];[2:a]pan=stereo|c0=c0|c1=c0[fr]',
        '-map',
        '0:v',
        '-map',
        '[en]',
        '-map',
        '[fr]',
        ...x264,
        ...aac,
        '-metadata:s:a:0',
        'language=eng',
        '-metadata:s:a:1',
        'language=fre',
        '-disposition:a:0',
        'default',
        '-disposition:a:1',
        '0',
        '-t',
        '1',
        out,
      ]),
  },
  {
    name: 'audio-starts-late',
    expected: 'audio 0.5 s after video: output A/V starts within 1 frame',
    make: (out) =>
      runFfmpeg([...video('320x180', 25, 1.5), '-itsoffset', '0.5', ...sine(1), ...x264, ...aac, out]),
  },
  {
    name: 'audio-drifts-1pct-mkv',
    expected: 'audio 1 % short of its timestamps (clock drift): each beep within 1 frame of its flash',
    make: (out) =>
      runFfmpeg([
        ...markers(8),
        '-filter_complex',
        // 1 % fewer samples than the timestamps span, as from a recorder whose audio clock runs
        // slow: each frame keeps its true timestamp, so played back to back the sound runs ahead.
        '[1:a]aresample=47520,asetrate=48000,asetpts=PTS*48000/47520[a]',
        '-map',
        '0:v',
        '-map',
        '[a]',
        ...x264,
        // PCM keeps each frame's timestamp (an AAC encode would re-time them from sample counts).
        '-c:a',
        'pcm_s16le',
        out,
      ]),
  },
  {
    name: 'audio-starts-late-markers',
    expected: 'audio starts 0.5 s after video: silence first, each beep within 1 frame of its flash',
    make: (out) => runFfmpeg([...markers(6, 0.5), '-map', '0:v', '-map', '1:a', ...x264, ...aac, out]),
  },
  {
    name: '60fps-720p',
    expected: '720p at 60, 480p/360p/240p at 30; FRAME-RATE per variant',
    make: (out) => runFfmpeg([...video('1280x720', 60, 1), ...sine(1), ...x264, ...aac, '-shortest', out]),
  },
];

const made = new Map<string, Promise<string>>();

/** Makes a corpus clip (once per test run) and returns its path. */
export function makeCorpusClip(clip: CorpusClip): Promise<string> {
  let p = made.get(clip.name);
  if (!p) {
    const dir = join(tmpdir(), `reelkit-corpus-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const ext = /-(ts|avi|mkv)$/.exec(clip.name)?.[1] ?? 'mp4';
    const out = join(dir, `${clip.name}.${ext}`);
    p = clip.make(out).then(() => out);
    made.set(clip.name, p);
  }
  return p;
}
