// Helpers for the transcode integration tests: put a source in storage, read outputs back with the
// real ffprobe.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const exec = promisify(execFile);

/** Copies a clip (or writes bytes) to `<org>/<video>/source` in the storage folder; returns the key. */
export async function putSource(
  storageDir: string,
  orgId: string,
  videoId: string,
  from: string | Buffer,
): Promise<string> {
  const key = `${orgId}/${videoId}/source`;
  const path = join(storageDir, key);
  await mkdir(dirname(path), { recursive: true });
  if (typeof from === 'string') await copyFile(from, path);
  else await writeFile(path, from);
  return key;
}

/** Runs ffprobe and parses its JSON. */
export async function ffprobeJson(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-of', 'json', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Playlist segment entries: `#EXTINF` durations and URIs. */
export function playlistSegments(text: string): Array<{ uri: string; duration: number }> {
  const lines = text.split('\n');
  const out: Array<{ uri: string; duration: number }> = [];
  lines.forEach((line, i) => {
    if (line.startsWith('#EXTINF:'))
      out.push({ duration: Number(line.slice(8).split(',')[0]), uri: lines[i + 1]!.trim() });
  });
  return out;
}

/**
 * How many packets ffprobe reads from a media playlist through its HLS demuxer, following every
 * segment it lists to the end (as a client does: the playlist, the init segment, the segments).
 */
export async function hlsPacketCount(playlist: string): Promise<number> {
  const probed = (await ffprobeJson([
    '-count_packets',
    '-show_entries',
    'stream=nb_read_packets',
    playlist,
  ])) as { streams: Array<{ nb_read_packets: string }> };
  expect(probed.streams).toHaveLength(1);
  return Number(probed.streams[0]!.nb_read_packets);
}

/**
 * Presentation times (s) of the video keyframes of one fMP4 rung: its init segment and media
 * segments concatenated form a fragmented MP4 that ffprobe reads directly.
 */
export async function keyframeTimes(rungDir: string): Promise<number[]> {
  const segments = playlistSegments(await readFile(join(rungDir, 'index.m3u8'), 'utf8'));
  const parts = [await readFile(join(rungDir, 'init.mp4'))];
  for (const s of segments) parts.push(await readFile(join(rungDir, s.uri)));
  const file = join(tmpdir(), `reelkit-rung-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`);
  await writeFile(file, Buffer.concat(parts));
  const json = (await ffprobeJson([
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,flags',
    file,
  ])) as {
    packets: Array<{ pts_time: string; flags: string }>;
  };
  return json.packets
    .filter((p) => p.flags.startsWith('K'))
    .map((p) => Math.round(Number(p.pts_time) * 1000) / 1000)
    .sort((a, b) => a - b);
}

/** Offsets of the top-level `moov` and `mdat` boxes of an MP4 file. */
export async function topLevelBoxes(path: string): Promise<Array<{ type: string; offset: number }>> {
  const buf = await readFile(path);
  const out: Array<{ type: string; offset: number }> = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(offset + 8));
    out.push({ type, offset });
    if (size < 8) break;
    offset += size;
  }
  return out;
}

/** Command lines of ffmpeg processes working on a job of this video (its job folder is named after it). */
export async function ffmpegRunningFor(videoId: string): Promise<string[]> {
  try {
    const { stdout } = await exec('pgrep', ['-a', '-f', `ffmpeg .*/w-[0-9]+/${videoId}-`]);
    return stdout.split('\n').filter(Boolean);
  } catch (err) {
    // pgrep exits 1 when nothing matches.
    if ((err as { code?: number }).code === 1) return [];
    throw err;
  }
}

/** Job folders left in a SCRATCH_DIR (below the folder of each worker process that used it). */
export async function scratchJobFolders(scratchDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const worker of await readdir(scratchDir).catch(() => [] as string[]))
    for (const job of await readdir(join(scratchDir, worker)).catch(() => [] as string[]))
      out.push(`${worker}/${job}`);
  return out;
}

/**
 * How many different pictures a storyboard sprite holds among its first `count` tiles (MD5 of each
 * decoded tile): a storyboard of distinct moments has `count`, one of a repeated frame has 1.
 */
export async function distinctSpriteTiles(
  sprite: string,
  board: { columns: number; rows: number },
  count: number,
): Promise<number> {
  const { stdout } = await exec('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-i',
    sprite,
    '-vf',
    `untile=${board.columns}x${board.rows}`,
    '-f',
    'framemd5',
    '-',
  ]);
  const hashes = stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
  return new Set(hashes.slice(0, count)).size;
}
