import { describe, expect, it } from 'vitest';
import { buildLadderArgs, buildPosterArgs, buildSpriteArgs, posterTime } from './build-ffmpeg-args.js';
import { chooseLadder } from './choose-ladder.js';
import { planStoryboard } from './plan-storyboard.js';

const plan = chooseLadder({ width: 1280, height: 720, fps: 30 }, { segmentSeconds: 4 });
const storyboard = planStoryboard({ durationS: 6, width: 1280, height: 720 });
const args = (hasAudio = true) =>
  buildLadderArgs({ input: '/s/src', outDir: '/w', plan, storyboard, hasAudio, preset: 'veryfast' });

/** The values following each occurrence of `flag`. */
const valuesOf = (list: string[], flag: string) => list.flatMap((a, i) => (a === flag ? [list[i + 1]!] : []));

describe('buildLadderArgs', () => {
  it('reads the source once, with only local files and allow-listed demuxers', () => {
    const a = args();
    expect(valuesOf(a, '-i')).toEqual(['/s/src']);
    const i = a.indexOf('-i');
    expect(a.slice(0, i)).toEqual(
      expect.arrayContaining([
        '-protocol_whitelist',
        'file',
        '-format_whitelist',
        'mov,mp4,matroska,webm,mpegts,mpeg,avi',
      ]),
    );
    expect(a).toContain('-nostdin');
  });

  it('splits one decode into a scaled branch per rung plus the storyboard', () => {
    const graph = valuesOf(args(), '-filter_complex')[0]!;
    expect(graph).toMatch(/^\[0:v:0\]format=yuv420p,split=5\[s0\]\[s1\]\[s2\]\[s3\]\[ssb\];/);
    for (const [i, size] of ['1280:720', '854:480', '640:360', '426:240'].entries())
      expect(graph).toContain(`[s${i}]scale=${size}:flags=bicubic,setsar=1[v${i}]`);
    expect(graph).toContain('[ssb]fps=1/1,scale=160:90,setsar=1[sb]');
  });

  it('aligns keyframes: the same fixed GOP, no scene cuts and forced keyframes on every rung', () => {
    const a = args();
    expect(valuesOf(a, '-g')).toEqual(['120', '120', '120', '120']);
    expect(valuesOf(a, '-sc_threshold')).toEqual(['0', '0', '0', '0']);
    expect(new Set(valuesOf(a, '-force_key_frames'))).toEqual(new Set(['expr:gte(t,n_forced*4)']));
  });

  it('encodes H.264 High at each rung level and bitrate, with AAC-LC audio', () => {
    const a = args();
    expect(valuesOf(a, '-profile:v')).toEqual(['high', 'high', 'high', 'high']);
    expect(valuesOf(a, '-level:v')).toEqual(['3.1', '3.1', '3.0', '2.1']);
    expect(valuesOf(a, '-b:v')).toEqual(['2800k', '1400k', '800k', '400k']);
    expect(valuesOf(a, '-c:a')).toEqual(['aac', 'aac', 'aac', 'aac']);
    expect(valuesOf(a, '-map')).toEqual([
      '[v0]',
      '0:a:0',
      '[v1]',
      '0:a:0',
      '[v2]',
      '0:a:0',
      '[v3]',
      '0:a:0',
      '[sb]',
    ]);
  });

  it('writes fMP4 VOD HLS per rung, and the middle rung also as a faststart MP4 through tee', () => {
    const a = args();
    expect(valuesOf(a, '-hls_segment_type')).toEqual(['fmp4', 'fmp4', 'fmp4']);
    expect(valuesOf(a, '-hls_playlist_type')).toEqual(['vod', 'vod', 'vod']);
    expect(valuesOf(a, '-hls_segment_filename')).toEqual([
      '/w/hls/720p/seg_%05d.m4s',
      '/w/hls/360p/seg_%05d.m4s',
      '/w/hls/240p/seg_%05d.m4s',
    ]);
    const tee = valuesOf(a, '-f').filter((f) => f === 'tee');
    expect(tee).toHaveLength(1);
    const teeTarget = a[a.indexOf('tee') + 1]!;
    expect(teeTarget).toMatch(/^\[f=hls:hls_time=4:hls_playlist_type=vod:hls_segment_type=fmp4:/);
    expect(teeTarget).toContain(']/w/hls/480p/index.m3u8|[f=mp4:movflags=+faststart]/w/mp4/480p.mp4');
    expect(a.slice(-3)).toEqual(['-progress', 'pipe:1', '-nostats']);
    expect(a.at(-4)).toBe('/w/storyboard-tiles/tile_%05d.jpg');
  });

  it('maps no audio for a silent source', () => {
    const a = args(false);
    expect(a).not.toContain('0:a:0');
    expect(a).not.toContain('-c:a');
  });

  it('adds an fps filter when the source is above 60 fps', () => {
    const fast = chooseLadder({ width: 640, height: 360, fps: 120 }, { segmentSeconds: 4 });
    const a = buildLadderArgs({
      input: 'x',
      outDir: '/w',
      plan: fast,
      storyboard,
      hasAudio: false,
      preset: 'ultrafast',
    });
    expect(valuesOf(a, '-filter_complex')[0]).toMatch(/^\[0:v:0\]fps=60,format=yuv420p,split=/);
  });

  it('refuses an output folder the tee muxer would misread', () => {
    expect(() =>
      buildLadderArgs({ input: 'x', outDir: '/w:x', plan, storyboard, hasAudio: true, preset: 'veryfast' }),
    ).toThrow(/tee/);
  });
});

describe('buildSpriteArgs', () => {
  it('tiles exactly the planned thumbnails into one sprite, reading only our JPEGs', () => {
    const a = buildSpriteArgs({ workDir: '/w', plan: storyboard, output: '/w/storyboard.jpg' });
    expect(valuesOf(a, '-i')).toEqual(['/w/storyboard-tiles/tile_%05d.jpg']);
    expect(valuesOf(a, '-format_whitelist')).toEqual(['image2']);
    expect(valuesOf(a, '-vf')).toEqual(['trim=end_frame=6,tile=6x1']);
    expect(a.at(-1)).toBe('/w/storyboard.jpg');
  });
});

describe('buildPosterArgs', () => {
  it('seeks before decoding to 10 % in (at most 10 s) and writes one frame', () => {
    expect(posterTime(6)).toBe(0.6);
    expect(posterTime(3600)).toBe(10);
    const a = buildPosterArgs({
      input: '/s',
      output: '/w/poster.jpg',
      durationS: 6,
      width: 1280,
      height: 720,
    });
    expect(a.indexOf('-ss')).toBeLessThan(a.indexOf('-i'));
    expect(valuesOf(a, '-ss')).toEqual(['0.6']);
    expect(valuesOf(a, '-frames:v')).toEqual(['1']);
    expect(a).toContain('-format_whitelist');
    expect(a.at(-1)).toBe('/w/poster.jpg');
  });
});
