import { describe, expect, it } from 'vitest';
import {
  buildCaptionExtractArgs,
  buildLadderArgs,
  buildMp4RemuxArgs,
  buildPosterArgs,
  buildSpriteArgs,
  posterTime,
} from './build-ffmpeg-args.js';
import { chooseLadder } from './choose-ladder.js';
import { planAudioTracks } from './plan-audio-tracks.js';
import { planStoryboard } from './plan-storyboard.js';
import type { VideoFilterInput } from './plan-video-filters.js';

const plan = chooseLadder({ width: 1280, height: 720, fps: 30 }, { segmentSeconds: 4 });
const storyboard = planStoryboard({ durationS: 6, width: 1280, height: 720 });
const sdr: VideoFilterInput = {
  deinterlace: null,
  hdr: null,
  colour: { matrix: 'bt709', transfer: 'bt709', primaries: 'bt709', range: 'tv' },
  codedHeight: 720,
};
const args = (hasAudio = true, video = sdr) =>
  buildLadderArgs({
    input: '/s/src',
    outDir: '/w',
    plan,
    storyboard,
    video,
    audioStream: hasAudio ? 1 : null,
    audioTracks: hasAudio ? tracks : [],
    preset: 'veryfast',
  });
const tracks = planAudioTracks([
  { index: 1, channels: 6, language: 'eng', title: null, default: true },
  { index: 2, channels: 2, language: 'fre', title: null, default: false },
]);
const scale = (size: string) => `scale=${size}:flags=bicubic,setsar=1`;

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
        'mov,mp4,matroska,webm,mpegts,mpeg,avi,mp3,wav,flac,ogg',
      ]),
    );
    expect(a).toContain('-nostdin');
  });

  it('splits one constant-rate decode into a square-pixel BT.709 branch per rung plus the storyboard', () => {
    const graph = valuesOf(args(), '-filter_complex')[0]!;
    expect(graph).toMatch(
      /^\[0:v:0\]fps=fps=30:start_time=0,format=yuv420p,split=5\[s0\]\[s1\]\[s2\]\[s3\]\[ssb\];/,
    );
    for (const [i, size] of ['1280:720', '854:480', '640:360', '426:240'].entries())
      expect(graph).toContain(`[s${i}]${scale(size)}[v${i}]`);
    expect(graph).toContain(
      `[ssb]select='isnan(prev_selected_t)+gte(t-prev_selected_t,1)',${scale('160:90')}[sb]`,
    );
    expect(valuesOf(args(), '-colorspace')).toEqual(['bt709', 'bt709', 'bt709', 'bt709']);
    expect(valuesOf(args(), '-color_trc')).toEqual(['bt709', 'bt709', 'bt709', 'bt709']);
  });

  it('tags untagged SD as BT.601, tonemaps HDR and deinterlaces before the split', () => {
    const sd = {
      ...sdr,
      colour: { matrix: null, transfer: null, primaries: null, range: null },
      codedHeight: 480,
    };
    expect(valuesOf(args(true, sd), '-colorspace')).toEqual([
      'smpte170m',
      'smpte170m',
      'smpte170m',
      'smpte170m',
    ]);
    expect(valuesOf(args(true, { ...sd, codedHeight: 1080 }), '-color_primaries')[0]).toBe('bt709');
    expect(valuesOf(args(true, { ...sdr, hdr: 'pq' }), '-color_trc')[0]).toBe('bt709');
    const hlg = valuesOf(args(true, { ...sdr, hdr: 'hlg', deinterlace: 'tff' }), '-filter_complex')[0]!;
    expect(hlg).toMatch(
      /^\[0:v:0\]bwdif=mode=send_frame:parity=tff:deint=all,fps=fps=30:start_time=0,zscale=tin=arib-std-b67:pin=709:min=709:t=linear:npl=100,format=gbrpf32le,zscale=p=709,tonemap=tonemap=hable:desat=0,zscale=t=709:m=709:r=tv,format=yuv420p,split=/,
    );
  });

  it('aligns keyframes: the same fixed GOP, no scene cuts and forced keyframes on every rung', () => {
    const a = args();
    expect(valuesOf(a, '-g')).toEqual(['120', '120', '120', '120']);
    expect(valuesOf(a, '-sc_threshold')).toEqual(['0', '0', '0', '0']);
    expect(new Set(valuesOf(a, '-force_key_frames'))).toEqual(new Set(['expr:gte(t,n_forced*4)']));
  });

  it('encodes H.264 High at each rung level and bitrate, and AAC-LC stereo once per audio track', () => {
    const a = args();
    expect(valuesOf(a, '-profile:v')).toEqual(['high', 'high', 'high', 'high']);
    expect(valuesOf(a, '-level:v')).toEqual(['3.1', '3.1', '3.0', '2.1']);
    expect(valuesOf(a, '-b:v')).toEqual(['2800k', '1400k', '800k', '400k']);
    // The MP4's audio (the default track), then one per track.
    expect(valuesOf(a, '-c:a')).toEqual(['aac', 'aac', 'aac']);
    expect(valuesOf(a, '-b:a')).toEqual(['96k', '128k', '128k']);
    expect(new Set(valuesOf(a, '-af'))).toEqual(
      new Set([
        'aresample=48000:async=1000:ochl=stereo:center_mix_level=0.7071:surround_mix_level=0.7071:lfe_mix_level=0:rematrix_maxval=1,aresample=48000:async=1:first_pts=0',
      ]),
    );
    expect(valuesOf(a, '-ac')).toEqual(['2', '2', '2']);
    // Rungs are video-only but for the MP4 (480p, through tee); each track maps its own stream.
    expect(valuesOf(a, '-map')).toEqual(['[v0]', '[v1]', '0:1', '[v2]', '[v3]', '0:1', '0:2', '[sb]']);
  });

  it('writes each audio track as its own fMP4 HLS rendition under hls/audio/<id>/', () => {
    const a = args();
    expect(valuesOf(a, '-hls_segment_filename').slice(-2)).toEqual([
      '/w/hls/audio/a0/seg_%05d.m4s',
      '/w/hls/audio/a1/seg_%05d.m4s',
    ]);
    expect(a).toContain('/w/hls/audio/a0/index.m3u8');
    expect(a).toContain('/w/hls/audio/a1/index.m3u8');
    // The priming samples stay before 0, as in the rungs' timeline.
    expect(valuesOf(a, '-avoid_negative_ts')).toEqual(['disabled', 'disabled']);
    // The tee's HLS slave takes only the video.
    expect(a[a.indexOf('tee') + 1]).toMatch(/^\[f=hls:select=v:/);
  });

  it('writes fMP4 HLS per rung, and the middle rung also as a fragmented MP4 through tee', () => {
    const a = args(false);
    expect(valuesOf(a, '-hls_segment_type')).toEqual(['fmp4', 'fmp4', 'fmp4']);
    // A short rolling list, never the VOD type (which makes ffmpeg keep every segment in memory)
    // nor delete_segments (the worker lists every segment in the VOD playlist it writes).
    expect(valuesOf(a, '-hls_list_size')).toEqual(['3', '3', '3']);
    expect(a).not.toContain('-hls_playlist_type');
    expect(a.join(' ')).not.toMatch(/playlist_type|delete_segments/);
    expect(valuesOf(a, '-hls_segment_filename')).toEqual([
      '/w/hls/720p/seg_%05d.m4s',
      '/w/hls/360p/seg_%05d.m4s',
      '/w/hls/240p/seg_%05d.m4s',
    ]);
    const tee = valuesOf(a, '-f').filter((f) => f === 'tee');
    expect(tee).toHaveLength(1);
    const teeTarget = a[a.indexOf('tee') + 1]!;
    expect(teeTarget).toMatch(/^\[f=hls:select=v:hls_time=4:hls_list_size=3:hls_segment_type=fmp4:/);
    // Fragmented, so that the muxer's index does not grow with the source (remuxed to faststart after).
    expect(teeTarget).toContain(
      ']/w/hls/480p/index.m3u8|[f=mp4:movflags=+frag_keyframe+delay_moov+default_base_moof]/w/progressive-fragmented.mp4',
    );
    expect(a.slice(-3)).toEqual(['-progress', 'pipe:1', '-nostats']);
    expect(a.at(-4)).toBe('/w/storyboard-tiles/tile_%05d.jpg');
  });

  it('remuxes the fragmented MP4 to the faststart MP4 without decoding, keeping its timestamps', () => {
    const a = buildMp4RemuxArgs({ workDir: '/w', mp4Rung: 480 });
    // Our own file: only the mov demuxer; streams copied, nothing decoded.
    expect(valuesOf(a, '-format_whitelist')).toEqual(['mov']);
    expect(valuesOf(a, '-i')).toEqual(['/w/progressive-fragmented.mp4']);
    expect(valuesOf(a, '-c')).toEqual(['copy']);
    // The AAC priming stays before 0 rather than every stream being shifted to start at 0.
    expect(a).toContain('-copyts');
    expect(valuesOf(a, '-movflags')).toEqual(['+faststart']);
    expect(a.at(-1)).toBe('/w/mp4/480p.mp4');
  });

  it('writes one thumbnail file per selected frame, not one per source frame', () => {
    // image2 is a constant-rate muxer: without passthrough, ffmpeg repeats each selected frame up to
    // the source's rate, a file per source frame (90 000 for an hour at 25 fps).
    const a = args();
    const tiles = a.slice(a.lastIndexOf('-map'), a.indexOf('/w/storyboard-tiles/tile_%05d.jpg'));
    expect(tiles.slice(0, 2)).toEqual(['-map', '[sb]']);
    expect(valuesOf(tiles, '-fps_mode')).toEqual(['passthrough']);
  });

  it('maps no audio for a silent source', () => {
    const a = args(false);
    expect(a).not.toContain('0:1');
    expect(a).not.toContain('-c:a');
  });

  it('halves rates above 60 fps, and again on rungs of 480p and below', () => {
    const fast = chooseLadder({ width: 1280, height: 720, fps: 120 }, { segmentSeconds: 4 });
    const a = buildLadderArgs({
      input: 'x',
      outDir: '/w',
      plan: fast,
      storyboard,
      video: sdr,
      audioStream: null,
      audioTracks: [],
      preset: 'ultrafast',
    });
    const graph = valuesOf(a, '-filter_complex')[0]!;
    expect(graph).toMatch(/^\[0:v:0\]fps=fps=60:start_time=0,format=yuv420p,split=/);
    expect(graph).toContain(`[s0]${scale('1280:720')}[v0]`);
    expect(graph).toContain(`[s1]fps=fps=30,${scale('854:480')}[v1]`);
    expect(valuesOf(a, '-g')).toEqual(['240', '120', '120', '120']);
  });

  it('refuses an output folder the tee muxer would misread', () => {
    expect(() =>
      buildLadderArgs({
        input: 'x',
        outDir: '/w:x',
        plan,
        storyboard,
        video: sdr,
        audioStream: 1,
        audioTracks: tracks,
        preset: 'veryfast',
      }),
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
    expect(posterTime(0.04)).toBe(0);
    const a = buildPosterArgs({
      input: '/s',
      output: '/w/poster.jpg',
      durationS: 6,
      width: 1280,
      height: 720,
      video: { ...sdr, hdr: 'pq' },
    });
    expect(valuesOf(a, '-vf')[0]).toMatch(/^zscale=tin=smpte2084:.*tonemap=.*format=yuv420p,scale=1280:720:/);
    expect(a.indexOf('-ss')).toBeLessThan(a.indexOf('-i'));
    expect(valuesOf(a, '-ss')).toEqual(['0.6']);
    expect(valuesOf(a, '-frames:v')).toEqual(['1']);
    expect(a).toContain('-format_whitelist');
    expect(a.at(-1)).toBe('/w/poster.jpg');
  });
});

describe('buildCaptionExtractArgs', () => {
  it('reads the source behind the safe input options and writes each stream as WebVTT', () => {
    const args = buildCaptionExtractArgs({
      input: '/w/source',
      outputs: [
        { streamIndex: 2, output: '/w/subs-raw/a.vtt' },
        { streamIndex: 4, output: '/w/subs-raw/b.vtt' },
      ],
    });
    expect(args.join(' ')).toContain('-protocol_whitelist file -format_whitelist');
    expect(args.join(' ')).toMatch(
      /-i \/w\/source -map 0:2 -c:s webvtt -f webvtt \/w\/subs-raw\/a\.vtt -map 0:4 -c:s webvtt -f webvtt \/w\/subs-raw\/b\.vtt$/,
    );
  });
});
