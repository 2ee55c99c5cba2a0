import { describe, expect, it } from 'vitest';
import {
  AUDIO_POSTER_SIZE,
  buildAudioOnlyArgs,
  buildAudioPosterArgs,
  buildDubArgs,
} from './build-audio-args.js';

/** The arguments of each output of an ffmpeg command: after `-i <input>`, each ending at its file. */
function outputs(args: string[]): string[][] {
  const rest = args.slice(args.indexOf('-i') + 2);
  const out: string[][] = [[]];
  rest.forEach((a, i) => {
    out.at(-1)!.push(a);
    if (/\.(m3u8|m4a)$/.test(a) && !rest[i - 1]!.startsWith('-')) out.push([]);
  });
  return out.filter((o) => o.includes('-map'));
}

describe('buildAudioOnlyArgs', () => {
  const args = buildAudioOnlyArgs({
    input: '/w/source',
    outDir: '/w',
    streamIndex: 0,
    variants: [
      { id: '128k', kbps: 128 },
      { id: '64k', kbps: 64 },
    ],
    m4a: { path: '/w/mp4/audio.m4a', kbps: 128 },
    segmentSeconds: 4,
  });

  it('reads only allow-listed local demuxers, including the audio ones', () => {
    const i = args.indexOf('-format_whitelist');
    expect(args[i + 1]!.split(',')).toEqual(expect.arrayContaining(['mp3', 'wav', 'flac', 'ogg', 'mov']));
    expect(args[args.indexOf('-protocol_whitelist') + 1]).toBe('file');
  });

  it('writes each variant as AAC stereo fMP4 HLS in hls/audio/<id>/ and a faststart .m4a, from one decode', () => {
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    const [hi, lo, m4a] = outputs(args);
    for (const [o, kbps, dir] of [
      [hi!, '128k', '/w/hls/audio/128k'],
      [lo!, '64k', '/w/hls/audio/64k'],
    ] as const) {
      expect(o).toEqual(expect.arrayContaining(['-c:a', 'aac', '-b:a', kbps, '-ac', '2', '-ar', '48000']));
      expect(o[o.indexOf('-hls_segment_type') + 1]).toBe('fmp4');
      expect(o[o.indexOf('-hls_time') + 1]).toBe('4');
      // A rolling list the worker replaces: ffmpeg then holds no entry per segment of a long source.
      expect(o[o.indexOf('-hls_list_size') + 1]).toBe('3');
      expect(o).not.toContain('-hls_playlist_type');
      expect(o.at(-1)).toBe(`${dir}/index.m3u8`);
    }
    expect(m4a).toEqual(expect.arrayContaining(['-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4']));
    expect(m4a).toContain('/w/mp4/audio.m4a');
    expect(args.slice(-3)).toEqual(['-progress', 'pipe:1', '-nostats']);
  });
});

describe('buildDubArgs', () => {
  it('encodes one stream as an audio rendition with the segment length of the video', () => {
    const args = buildDubArgs({
      input: '/w/dub',
      outDir: '/w',
      streamIndex: 1,
      track: { id: 'd0123abcd', kbps: 128 },
      segmentSeconds: 2,
    });
    const [o] = outputs(args);
    expect(outputs(args)).toHaveLength(1);
    expect(o![o!.indexOf('-map') + 1]).toBe('0:1');
    expect(o![o!.indexOf('-hls_time') + 1]).toBe('2');
    expect(o![o!.indexOf('-hls_list_size') + 1]).toBe('3');
    expect(o).not.toContain('-hls_playlist_type');
    expect(o!.at(-1)).toBe('/w/hls/audio/d0123abcd/index.m3u8');
  });
});

describe('buildAudioPosterArgs', () => {
  it('draws a 1280×720 poster from lavfi alone, never reading the source', () => {
    const args = buildAudioPosterArgs({ output: '/w/poster.jpg', ...AUDIO_POSTER_SIZE });
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    const graph = args[args.indexOf('-i') + 1]!;
    expect(graph).toMatch(/^color=c=0x[0-9a-f]{6}:s=1280x720:d=1,drawbox=/);
    expect(args.at(-1)).toBe('/w/poster.jpg');
    expect(args).toEqual(expect.arrayContaining(['-frames:v', '1']));
  });
});
