import { join } from 'node:path';
import { audioTrackDirPath, progressiveMp4Path, renditionDirPath } from '@reelkit/protocol';
import type { LadderPlan, Rung } from './choose-ladder.js';
import { levelName } from './h264-level.js';
import type { AudioTrackPlan } from './plan-audio-tracks.js';
import type { StoryboardPlan } from './plan-storyboard.js';
import { colourTagArgs, scaleFilter, sourceFilters, type VideoFilterInput } from './plan-video-filters.js';
import { SAFE_INPUT_OPTIONS } from './safe-input-options.js';

/** Folder of the work directory holding storyboard thumbnails before they are tiled. */
export const STORYBOARD_TILES_DIR = 'storyboard-tiles';

/**
 * The ladder's MP4, fragmented, in the work directory (never published): {@link buildMp4RemuxArgs}
 * turns it into the progressive faststart MP4 afterwards.
 */
export const FRAGMENTED_MP4 = 'progressive-fragmented.mp4';

/** Options every ffmpeg run starts with: quiet but for errors, never reads stdin, overwrites. */
export const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'] as const;

/** One JPEG of good quality written to a single file (a poster). */
export const ONE_JPEG = ['-frames:v', '1', '-update', '1', '-q:v', '3'] as const;

// The tee muxer parses its argument twice (slaves, then options); rather than escape twice we
// refuse paths with its special characters. Ours are built from ids under STORAGE_DIR.
const TEE_UNSAFE = /[\\:|[\]'"\s]/;

/** What {@link buildLadderArgs} needs to know. */
export interface LadderArgsInput {
  /** Absolute path of the source file. */
  input: string;
  /** Folder the outputs are written to, laid out as the protocol's VIDEO_OUTPUT_PATHS. */
  outDir: string;
  plan: LadderPlan;
  storyboard: StoryboardPlan;
  /** The source picture: deinterlacing, HDR and colour. */
  video: VideoFilterInput;
  /** ffprobe's absolute index of the audio stream of the progressive MP4, or `null` for a silent one. */
  audioStream: number | null;
  /** One HLS audio rendition each (`hls/audio/<id>/`); the rungs' HLS is then video-only. */
  audioTracks: readonly AudioTrackPlan[];
  /** x264 preset, e.g. `veryfast`. */
  preset: string;
}

function videoEncoderArgs(rung: Rung, plan: LadderPlan, preset: string, video: VideoFilterInput): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-profile:v',
    'high',
    '-level:v',
    levelName(rung.levelIdc),
    '-b:v',
    `${rung.videoKbps}k`,
    '-maxrate',
    `${rung.maxrateKbps}k`,
    '-bufsize',
    `${rung.bufsizeKbps}k`,
    // Keyframes at the same instants on every rung: a fixed GOP of one segment, no scene-cut
    // keyframes, and a keyframe forced at every segment boundary (by time, so it holds for
    // fractional frame rates too).
    '-g',
    String(rung.gop),
    '-keyint_min',
    String(rung.gop),
    '-sc_threshold',
    '0',
    '-force_key_frames',
    `expr:gte(t,n_forced*${plan.segmentSeconds})`,
    ...colourTagArgs(video),
  ];
}

/**
 * The stereo downmix, as swresample options of the first resampler stage (which then does the
 * rematrixing itself, whatever the encoder's sample format): ITU-R BS.775 / ATSC A/52 Lo/Ro
 * coefficients — each front to its side at 1, the centre to both sides and every surround (5.1's
 * back or side pair, and both pairs of 7.1) to its side at −3 dB (0.7071) — and no LFE, as both
 * standards do: the LFE only supplements the bass the full-range channels already carry, a stereo
 * listener's speakers mostly cannot play it, and mixing it in would make the normalisation take
 * another 1.8 dB off everything else. `rematrix_maxval=1` then divides the matrix by its largest
 * row sum, so every channel at full scale at once still cannot clip: 5.1 → 1/2.414 (−7.7 dB; a
 * front is then −7.7 dB, the centre and surrounds −10.7 dB), 7.1 → 1/3.121 (−9.9 dB; −12.9 dB). A
 * matrix with no row above 1 is left as it is: stereo passes unchanged, and mono goes to both ears
 * at −3 dB each (same loudness as the source). The corpus test measures each coefficient.
 */
export const STEREO_DOWNMIX =
  'ochl=stereo:center_mix_level=0.7071:surround_mix_level=0.7071:lfe_mix_level=0:rematrix_maxval=1';

/**
 * Audio of every output, in two resampler stages. The first follows the source's timestamps
 * (`async=1000`: stretched or squeezed up to 1000 samples a second where they drift, silence
 * inserted or samples dropped where they jump), so audio whose clock drifts stays in sync with the
 * picture; it also makes stereo ({@link STEREO_DOWNMIX}). The second only pads: silence from 0
 * (`first_pts=0`) for audio that starts late. Both in one stage (`async=1000:first_pts=0`) put
 * ~0.12 s too many samples at the start of a drifting source (squeezed into 1-sample packets, so a
 * player that plays audio back to back is 3 frames late).
 */
export const AUDIO_FILTER = `aresample=48000:async=1000:${STEREO_DOWNMIX},aresample=48000:async=1:first_pts=0`;

export function audioEncoderArgs(kbps: number): string[] {
  return [
    '-af',
    AUDIO_FILTER,
    '-c:a',
    'aac',
    '-profile:a',
    'aac_low',
    '-b:a',
    `${kbps}k`,
    '-ac',
    '2',
    '-ar',
    '48000',
  ];
}

/**
 * How many segments ffmpeg's own playlist lists. ffmpeg 5.1's HLS muxer keeps an entry of several
 * KiB per listed segment until it exits, and a VOD playlist lists them all (it forces
 * `hls_list_size` to 0): an hour-long ladder grew by tens of MiB. With a short rolling list and no
 * `delete_segments`, it frees each entry that falls off the list and leaves every segment on disk;
 * the worker then writes the VOD playlist itself (`writeMediaPlaylist`).
 */
export const HLS_ROLLING_LIST_SIZE = 3;

/**
 * `hls` muxer options for one output: fMP4, segments `seg_00001.m4s`…, init `init.mp4`, and a
 * short rolling playlist ({@link HLS_ROLLING_LIST_SIZE}) that the worker replaces.
 */
function hlsOptions(dir: string, segmentSeconds: number): Array<[string, string]> {
  return [
    ['hls_time', String(segmentSeconds)],
    ['hls_list_size', String(HLS_ROLLING_LIST_SIZE)],
    ['hls_segment_type', 'fmp4'],
    ['hls_fmp4_init_filename', 'init.mp4'],
    ['hls_segment_filename', join(dir, 'seg_%05d.m4s')],
    ['start_number', '1'],
    ['hls_flags', 'independent_segments'],
  ];
}

/**
 * Outputs writing each audio track as its own fMP4 HLS rendition, AAC stereo 48 kHz. Negative
 * timestamps are kept: alone in its output, the encoder's priming (1024 samples before 0) would
 * otherwise be shifted to 0 and put every sound 21 ms late against the video rungs, whose first
 * frame is at 0 (muxed with video, the same priming was an edit list before 0).
 */
export function audioRenditionArgs(
  outDir: string,
  tracks: ReadonlyArray<Pick<AudioTrackPlan, 'id' | 'streamIndex' | 'kbps'>>,
  segmentSeconds: number,
): string[] {
  return tracks.flatMap((t) => {
    const dir = join(outDir, audioTrackDirPath(t.id));
    const hls = hlsOptions(dir, segmentSeconds).flatMap(([k, v]) => [`-${k}`, v]);
    return [
      '-avoid_negative_ts',
      'disabled',
      '-map',
      `0:${t.streamIndex}`,
      ...audioEncoderArgs(t.kbps),
      '-f',
      'hls',
      ...hls,
      join(dir, 'index.m3u8'),
    ];
  });
}

/**
 * The one ffmpeg command that decodes the source once and writes every rung of the ladder as
 * video-only fMP4 HLS, every audio track as its own AAC rendition, the MP4 of
 * {@link LadderPlan.mp4Rung} (the same encoded video stream, through the `tee` muxer, with the
 * default audio track) and the storyboard thumbnails. Progress goes to stdout (`-progress pipe:1`).
 *
 * The MP4 is written fragmented ({@link FRAGMENTED_MP4}: a fragment per keyframe, so per segment),
 * not faststart: a faststart MP4 muxer keeps an index entry per video and audio sample until it
 * writes the `moov` at the end, which made this ffmpeg grow with the source's length; a fragment's
 * index is dropped once the fragment is written. `delay_moov` (not `empty_moov`) writes the `moov`
 * with the first fragment, once the tracks' start is known, so the AAC priming keeps its edit list.
 * {@link buildMp4RemuxArgs} then writes the faststart MP4 players get.
 */
export function buildLadderArgs(input: LadderArgsInput): string[] {
  const { plan, storyboard, outDir, audioStream, preset, video } = input;
  const hasAudio = audioStream !== null;
  const n = plan.rungs.length;
  const pre = sourceFilters(video, plan.fps).join(',');
  const splits = [...plan.rungs.map((_, i) => `[s${i}]`), '[ssb]'].join('');
  const rungFps = (r: Rung) => (r.fps === plan.fps ? '' : `fps=fps=${r.fps},`);
  // The first frame, then the first at or after each interval: at least one thumbnail however
  // short the clip (the `fps` filter gives none for a clip shorter than its period).
  const pick = `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${storyboard.interval})'`;
  const graph = [
    `[0:v:0]${pre},split=${n + 1}${splits}`,
    ...plan.rungs.map((r, i) => `[s${i}]${rungFps(r)}${scaleFilter(video, r.width, r.height)}[v${i}]`),
    `[ssb]${pick},${scaleFilter(video, storyboard.tileWidth, storyboard.tileHeight)}[sb]`,
  ].join(';');

  const args: string[] = [...COMMON, ...SAFE_INPUT_OPTIONS, '-i', input.input, '-filter_complex', graph];
  plan.rungs.forEach((rung, i) => {
    const dir = join(outDir, renditionDirPath(rung.rung));
    const isMp4 = rung.rung === plan.mp4Rung;
    args.push('-map', `[v${i}]`);
    if (hasAudio && isMp4) args.push('-map', `0:${audioStream}`);
    args.push(...videoEncoderArgs(rung, plan, preset, video));
    if (hasAudio && isMp4) args.push(...audioEncoderArgs(rung.audioKbps));
    const playlist = join(dir, 'index.m3u8');
    if (!isMp4) {
      args.push('-f', 'hls');
      for (const [k, v] of hlsOptions(dir, plan.segmentSeconds)) args.push(`-${k}`, v);
      args.push(playlist);
      return;
    }
    const mp4 = join(outDir, FRAGMENTED_MP4);
    for (const p of [playlist, mp4, dir]) {
      if (TEE_UNSAFE.test(p)) throw new Error(`output path not usable with the tee muxer: ${p}`);
    }
    // The HLS rung takes only the video: its audio is the audio group's.
    const hls = [['select', 'v'], ...hlsOptions(dir, plan.segmentSeconds)]
      .map(([k, v]) => `${k}=${v}`)
      .join(':');
    // Both muxers need the codec headers out of band (avcC), hence global headers.
    args.push('-flags:v', '+global_header', '-flags:a', '+global_header');
    const fragmented = 'movflags=+frag_keyframe+delay_moov+default_base_moof';
    args.push('-f', 'tee', `[f=hls:${hls}]${playlist}|[f=mp4:${fragmented}]${mp4}`);
  });
  args.push(...audioRenditionArgs(outDir, input.audioTracks, plan.segmentSeconds));
  // Storyboard thumbnails as separate small JPEGs, tiled into the sprite afterwards
  // (buildSpriteArgs). Tiling here would hold back the sprite output until the end, and ffmpeg
  // reports no progress before every output has started. `passthrough`: one file per selected
  // frame. image2 is a constant-rate muxer, so by default ffmpeg would repeat each thumbnail to
  // fill the time to the next at the source's rate — a file per source frame (90 000 for an hour
  // at 25 fps), and a sprite of the first `count` of them, nearly all the first frame.
  args.push(
    '-map',
    '[sb]',
    '-fps_mode',
    'passthrough',
    '-q:v',
    '4',
    '-f',
    'image2',
    '-start_number',
    '0',
    join(outDir, STORYBOARD_TILES_DIR, 'tile_%05d.jpg'),
  );
  args.push('-progress', 'pipe:1', '-nostats');
  return args;
}

/**
 * The progressive faststart MP4 of `mp4Rung` from the ladder's {@link FRAGMENTED_MP4}, by copying
 * its streams (no decoding). Its muxer holds the per-sample index this time, but in a process of
 * its own that lives for seconds (an hour at 5 fps: about 3 s). The input is our own file, hence
 * only the mov demuxer. `-copyts` keeps the AAC priming before 0 (an edit list), as the ladder wrote
 * it; without it ffmpeg would shift both streams so that the audio starts at 0 and the video 21 ms
 * later.
 */
export function buildMp4RemuxArgs(input: { workDir: string; mp4Rung: number }): string[] {
  return [
    ...COMMON,
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    'mov',
    '-copyts',
    '-i',
    join(input.workDir, FRAGMENTED_MP4),
    '-map',
    '0',
    '-c',
    'copy',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    join(input.workDir, progressiveMp4Path(input.mp4Rung)),
  ];
}

/**
 * Tiles the storyboard thumbnails the ladder run wrote into one sprite. The input is our own
 * folder of JPEGs, hence the image2 demuxer (and only it).
 */
export function buildSpriteArgs(input: { workDir: string; plan: StoryboardPlan; output: string }): string[] {
  const { plan } = input;
  return [
    ...COMMON,
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    'image2',
    '-f',
    'image2',
    '-start_number',
    '0',
    '-i',
    join(input.workDir, STORYBOARD_TILES_DIR, 'tile_%05d.jpg'),
    '-vf',
    `trim=end_frame=${plan.count},tile=${plan.columns}x${plan.rows}`,
    '-frames:v',
    '1',
    '-update',
    '1',
    '-q:v',
    '4',
    input.output,
  ];
}

/**
 * Where the poster frame is taken: 10 % into the video, at most 10 s in; the first frame of a clip
 * under a second (a seek into a one-frame clip would land past its only frame).
 */
export function posterTime(durationS: number): number {
  if (durationS < 1) return 0;
  return Math.round(Math.min(durationS * 0.1, 10) * 1000) / 1000;
}

/**
 * A poster JPEG at {@link posterTime}, at the top rung's size. `-ss` before `-i` seeks on the
 * container index, so only the frames from the previous keyframe on are decoded.
 */
export function buildPosterArgs(input: {
  input: string;
  output: string;
  durationS: number;
  width: number;
  height: number;
  video: VideoFilterInput;
}): string[] {
  const filters = [...sourceFilters(input.video, null), scaleFilter(input.video, input.width, input.height)];
  return [
    ...COMMON,
    ...SAFE_INPUT_OPTIONS,
    '-ss',
    String(posterTime(input.durationS)),
    '-i',
    input.input,
    '-map',
    '0:v:0',
    '-vf',
    filters.join(','),
    ...ONE_JPEG,
    input.output,
  ];
}

/**
 * One ffmpeg run that writes each given subtitle stream of the source as WebVTT (`-c:s webvtt`)
 * to its own file; nothing is decoded but those streams. Cue times are on the same timeline as
 * the ladder's (ffmpeg takes the source's start time off both).
 */
export function buildCaptionExtractArgs(input: {
  input: string;
  outputs: ReadonlyArray<{ streamIndex: number; output: string }>;
}): string[] {
  const args: string[] = [...COMMON, ...SAFE_INPUT_OPTIONS, '-i', input.input];
  for (const { streamIndex, output } of input.outputs) {
    args.push('-map', `0:${streamIndex}`, '-c:s', 'webvtt', '-f', 'webvtt', output);
  }
  return args;
}
