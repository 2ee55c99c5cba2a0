// The worker writes every media playlist itself, from the segments ffmpeg left in the folder.
// ffmpeg's HLS muxer keeps every segment of a VOD playlist in memory until the end (several KiB
// each, so an hour-long ladder grew by tens of MiB); it now runs with a short rolling list instead
// (see `hlsOptions` in build-ffmpeg-args.ts), which it frees as it goes, and this module writes the
// whole VOD playlist once ffmpeg has exited.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildMediaPlaylist } from './hls-playlists.js';
import { Fmp4TimingError, parseInitTiming } from './parse-fmp4-timing.js';
import { readSegmentTiming } from './read-segment-timing.js';
import { TranscodeJobError } from './transcode-job-error.js';

/** Names of ffmpeg's files in an HLS output folder, as `hlsOptions` sets them. */
export const HLS_INIT = 'init.mp4';
export const HLS_PLAYLIST = 'index.m3u8';
const SEGMENT = /^seg_(\d+)\.m4s$/;

/** Largest init segment read (ours are about 1 KiB). */
const MAX_INIT_BYTES = 1024 * 1024;

/** The segment files of a folder, in order, with their numbers; throws on a gap in the numbering. */
export function orderSegments(names: readonly string[]): Array<{ uri: string; number: number }> {
  const segments = names
    .map((uri) => ({ uri, match: SEGMENT.exec(uri) }))
    .filter((s) => s.match !== null)
    .map((s) => ({ uri: s.uri, number: Number(s.match![1]) }))
    .sort((a, b) => a.number - b.number);
  segments.forEach((s, i) => {
    if (i > 0 && s.number !== segments[i - 1]!.number + 1)
      throw new Error(`segment ${segments[i - 1]!.number + 1} is missing (next: ${s.uri})`);
  });
  return segments;
}

/** What {@link writeMediaPlaylist} wrote. */
export interface WrittenMediaPlaylist {
  segments: Array<{ uri: string; duration: number }>;
  /** Sum of the segments' durations, in seconds. */
  duration: number;
}

/**
 * Writes `dir/index.m3u8` as a finished VOD playlist listing every `seg_NNNNN.m4s` in `dir` in
 * order, each with its exact duration read from its `moof` boxes (in the timescale of `init.mp4`'s
 * first track: ours hold one). `what` names the output in errors (`720p`, `audio a0`). Throws
 * {@link TranscodeJobError} `transcode_failed` when the folder holds no segment, a gap, or a file
 * that is not the fMP4 ffmpeg writes.
 */
export async function writeMediaPlaylist(
  dir: string,
  what: string,
  options: { independentSegments: boolean },
): Promise<WrittenMediaPlaylist> {
  const fail = (detail: string) => new TranscodeJobError('transcode_failed', `the ${what} output: ${detail}`);
  const names = await readdir(dir);
  let ordered;
  try {
    ordered = orderSegments(names);
  } catch (err) {
    throw fail((err as Error).message);
  }
  if (ordered.length === 0) throw fail('no segment was written');
  const initPath = join(dir, HLS_INIT);
  if ((await stat(initPath)).size > MAX_INIT_BYTES) throw fail('the init segment is too large');
  try {
    const tracks = parseInitTiming(await readFile(initPath));
    const track = tracks[0]!;
    const segments: WrittenMediaPlaylist['segments'] = [];
    let units = 0;
    for (const s of ordered) {
      let timing;
      try {
        timing = await readSegmentTiming(join(dir, s.uri), tracks, track.trackId);
      } catch (err) {
        if (err instanceof Fmp4TimingError) throw fail(`${s.uri}: ${err.message}`);
        throw err;
      }
      units += timing.duration;
      segments.push({ uri: s.uri, duration: timing.duration / track.timescale });
    }
    await writeFile(
      join(dir, HLS_PLAYLIST),
      buildMediaPlaylist({
        initUri: HLS_INIT,
        segments,
        mediaSequence: ordered[0]!.number,
        independentSegments: options.independentSegments,
      }),
    );
    return { segments, duration: units / track.timescale };
  } catch (err) {
    if (err instanceof Fmp4TimingError) throw fail(`init.mp4: ${err.message}`);
    throw err;
  }
}
