// The playlists the worker writes from the segments against the VOD playlists ffmpeg's own HLS
// muxer writes for the same input (real ffmpeg, clips made here), and the folders it must refuse.
import {
  cp,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  rm,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../../test/support/clips.js';
import { audioRenditionArgs } from './build-ffmpeg-args.js';
import { parseMediaPlaylist } from './hls-playlists.js';
import { parseInitTiming } from './parse-fmp4-timing.js';
import { readSegmentTiming } from './read-segment-timing.js';
import { TranscodeJobError } from './transcode-job-error.js';
import { orderSegments, writeMediaPlaylist } from './write-media-playlist.js';

/** The hls muxer options of the worker's outputs, with ffmpeg's VOD playlist or the rolling one. */
function hls(dir: string, vod: boolean): string[] {
  return [
    '-f',
    'hls',
    '-hls_time',
    '4',
    ...(vod ? ['-hls_playlist_type', 'vod'] : ['-hls_list_size', '3']),
    '-hls_segment_type',
    'fmp4',
    '-hls_fmp4_init_filename',
    'init.mp4',
    '-hls_segment_filename',
    join(dir, 'seg_%05d.m4s'),
    '-start_number',
    '1',
    '-hls_flags',
    'independent_segments',
    join(dir, 'index.m3u8'),
  ];
}

/** A video rung (keyframes every 4 s, as the ladder forces them) and an audio rendition. */
async function encode(source: string, out: string, vod: boolean): Promise<void> {
  await mkdir(join(out, 'v'), { recursive: true });
  await mkdir(join(out, 'hls/audio/a0'), { recursive: true });
  await runFfmpeg([
    '-i',
    source,
    '-map',
    '0:v',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-sc_threshold',
    '0',
    '-force_key_frames',
    'expr:gte(t,n_forced*4)',
    ...hls(join(out, 'v'), vod),
    ...(vod ? asVod : (a: string[]) => a)(
      audioRenditionArgs(out, [{ id: 'a0', streamIndex: 1, kbps: 128 }], 4),
    ),
  ]);
}

/** The worker's audio rendition arguments with ffmpeg's VOD playlist instead of the rolling list. */
function asVod(args: string[]): string[] {
  const at = args.indexOf('-hls_list_size');
  expect(at).toBeGreaterThan(0);
  return [...args.slice(0, at), '-hls_playlist_type', 'vod', ...args.slice(at + 2)];
}

describe('writeMediaPlaylist on real ffmpeg output', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelkit-media-playlist-'));
    for (const [name, rate] of [
      ['pal', '25'],
      ['ntsc', '30000/1001'],
    ] as const) {
      const source = join(dir, `${name}.mp4`);
      await runFfmpeg([
        ...['-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=${rate}:duration=10.3`],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=10.3'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', source],
      ]);
      await encode(source, join(dir, name, 'vod'), true);
      await encode(source, join(dir, name, 'rolling'), false);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const name of ['pal', 'ntsc']) {
    it(`writes, for a ${name} rung and its audio, the VOD playlist ffmpeg writes (from a rolling run's segments)`, async () => {
      for (const [sub, independentSegments] of [
        ['v', true],
        ['hls/audio/a0', false],
      ] as const) {
        const rolling = join(dir, name, 'rolling', sub);
        const theirs = await readFile(join(dir, name, 'vod', sub, 'index.m3u8'), 'utf8');
        // ffmpeg's own rolling list names the last segments only.
        const before = parseMediaPlaylist(await readFile(join(rolling, 'index.m3u8'), 'utf8'));
        expect(before.playlistType).toBeNull();
        expect(before.segments.length).toBeLessThanOrEqual(3);
        const written = await writeMediaPlaylist(rolling, sub, { independentSegments });
        const ours = await readFile(join(rolling, 'index.m3u8'), 'utf8');
        expect(ours).toBe(theirs);
        // Every segment on disk, in order.
        const onDisk = (await readdir(rolling)).filter((f) => f.endsWith('.m4s')).sort();
        expect(parseMediaPlaylist(ours).segments.map((s) => s.uri)).toEqual(onDisk);
        expect(written.segments.map((s) => s.uri)).toEqual(onDisk);
      }
    });
  }

  it("sums the rung's EXTINF durations to the source's length, within one frame", async () => {
    for (const [name, fps] of [
      ['pal', 25],
      ['ntsc', 30000 / 1001],
    ] as const) {
      const v = join(dir, name, 'rolling', 'v');
      const { duration } = await writeMediaPlaylist(v, 'v', { independentSegments: true });
      const listed = parseMediaPlaylist(await readFile(join(v, 'index.m3u8'), 'utf8'));
      const sum = listed.segments.reduce((a, s) => a + s.duration, 0);
      expect(Math.abs(sum - 10.3)).toBeLessThan(1 / fps);
      // The six decimals of each EXTINF lose at most a microsecond each.
      expect(Math.abs(duration - sum)).toBeLessThan(1e-6 * listed.segments.length);
      // Segments follow each other: each starts where the previous one ended.
      const tracks = parseInitTiming(await readFile(join(v, 'init.mp4')));
      let end: number | null = null;
      for (const s of listed.segments) {
        const t = await readSegmentTiming(join(v, s.uri), tracks, tracks[0]!.trackId);
        if (end !== null) expect(t.start).toBe(end);
        end = t.start + t.duration;
      }
    }
  });

  it('refuses a folder with a gap in its segments, no segment, or a damaged one, saying which', async () => {
    const base = join(dir, 'pal', 'rolling', 'v');
    const copy = async (name: string) => {
      const to = join(dir, name);
      await cp(base, to, { recursive: true });
      return to;
    };
    const gap = await copy('gap');
    await unlink(join(gap, 'seg_00002.m4s'));
    await expect(writeMediaPlaylist(gap, '360p', { independentSegments: true })).rejects.toThrow(
      /360p output: segment 2 is missing/,
    );

    const empty = join(dir, 'empty');
    await mkdir(empty);
    const none = writeMediaPlaylist(empty, '360p', { independentSegments: true });
    await expect(none).rejects.toBeInstanceOf(TranscodeJobError);
    await expect(none).rejects.toThrow(/no segment was written/);

    const cut = await copy('cut');
    await truncate(join(cut, 'seg_00002.m4s'), 100);
    await expect(writeMediaPlaylist(cut, '360p', { independentSegments: true })).rejects.toThrow(
      /transcode_failed.*seg_00002\.m4s: .*truncated/,
    );

    const badInit = await copy('bad-init');
    await truncate(join(badInit, 'init.mp4'), 50);
    await expect(writeMediaPlaylist(badInit, '360p', { independentSegments: true })).rejects.toThrow(
      /init\.mp4: /,
    );
  });

  it('reads a segment whose media data is gigabytes long without reading that data', async () => {
    const v = join(dir, 'pal', 'rolling', 'v');
    const segment = await readFile(join(v, 'seg_00001.m4s'));
    const tracks = parseInitTiming(await readFile(join(v, 'init.mp4')));
    const expected = await readSegmentTiming(join(v, 'seg_00001.m4s'), tracks, tracks[0]!.trackId);
    // The segment's boxes up to its mdat, then an 8 GiB mdat (a sparse file: no disk used).
    const mdatAt = segment.indexOf(Buffer.from('mdat')) - 4;
    const huge = join(dir, 'huge.m4s');
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0);
    header.write('mdat', 4, 'latin1');
    const size = 8 * 1024 ** 3;
    header.writeBigUInt64BE(BigInt(size), 8);
    await writeFile(huge, Buffer.concat([segment.subarray(0, mdatAt), header]));
    await truncate(huge, mdatAt + size);
    expect(await readSegmentTiming(huge, tracks, tracks[0]!.trackId)).toEqual(expected);
    // Cut inside that mdat: a truncated box, reported, not waited on.
    const file = await open(huge, 'r+');
    await file.truncate(mdatAt + 1024);
    await file.close();
    await expect(readSegmentTiming(huge, tracks, tracks[0]!.trackId)).rejects.toThrow(/truncated/);
  });
});

describe('orderSegments', () => {
  it('orders segment files by number past five digits, ignoring other files', () => {
    expect(
      orderSegments(['seg_100000.m4s', 'index.m3u8', 'seg_99999.m4s', 'init.mp4']).map((s) => s.uri),
    ).toEqual(['seg_99999.m4s', 'seg_100000.m4s']);
  });
});
