import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { measureBandwidth, parseMediaPlaylist } from './hls-playlists.js';
import { TranscodeJobError } from './transcode-job-error.js';

/** Bandwidths of the fMP4 HLS playlist in `dir` (ours: flat segment names), and its init segment. */
export async function measurePlaylist(
  dir: string,
  what: string,
): Promise<{ bandwidth: number; averageBandwidth: number; init: Buffer }> {
  const playlist = parseMediaPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'));
  if (!playlist.ended || playlist.segments.length === 0)
    throw new TranscodeJobError('transcode_failed', `the ${what} playlist is incomplete`);
  const segments = await Promise.all(
    playlist.segments.map(async (s) => {
      if (s.uri.includes('/')) throw new TranscodeJobError('transcode_failed', `odd segment uri ${s.uri}`);
      return { duration: s.duration, bytes: (await stat(join(dir, s.uri))).size };
    }),
  );
  const init = await readFile(join(dir, playlist.initUri ?? 'init.mp4'));
  return { ...measureBandwidth(segments), init };
}
