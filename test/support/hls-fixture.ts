// A ready video for playback tests: a real fMP4 HLS ladder (two rungs), a poster and a progressive
// MP4 made with ffmpeg, written in the transcoder's storage layout, and its document in the database.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Types, type Connection } from 'mongoose';
import type { VideoMetadata } from '@reelkit/protocol';
import { createVideoModel } from '../../packages/server/src/videos/video-model.js';
import { makeClip, runFfmpeg } from './clips.js';

export interface ReadyVideo {
  videoId: string;
  orgId: string;
  /** Absolute folder of the video's files. */
  dir: string;
  seconds: number;
}

const RUNGS = [
  { rung: 360, width: 640, height: 360, bitrate: 500_000 },
  { rung: 240, width: 426, height: 240, bitrate: 250_000 },
];

export async function makeReadyVideo(
  db: Connection,
  storageDir: string,
  orgId: string,
  options: { seconds?: number; visibility?: 'private' | 'unlisted' | 'public'; title?: string } = {},
): Promise<ReadyVideo> {
  const seconds = options.seconds ?? 8;
  const videoId = new Types.ObjectId().toHexString();
  const dir = join(storageDir, orgId, videoId);
  const clip = await makeClip({ width: 640, height: 360, seconds, fps: 25 });
  for (const r of RUNGS) {
    const out = join(dir, 'hls', `${r.rung}p`);
    await mkdir(out, { recursive: true });
    await runFfmpeg([
      '-i', clip,
      '-vf', `scale=${r.width}:${r.height}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', String(r.bitrate), '-g', '50', '-keyint_min', '50', '-sc_threshold', '0',
      '-c:a', 'aac', '-b:a', '64k',
      '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
      '-hls_fmp4_init_filename', 'init.mp4', '-start_number', '1',
      '-hls_segment_filename', join(out, 'seg_%05d.m4s'),
      join(out, 'index.m3u8'),
    ]); // prettier-ignore
  }
  const master = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of RUNGS) {
    master.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${r.bitrate + 80_000},AVERAGE-BANDWIDTH=${r.bitrate + 64_000},RESOLUTION=${r.width}x${r.height},CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=25.000`,
      `${r.rung}p/index.m3u8`,
    );
  }
  await writeFile(join(dir, 'hls', 'master.m3u8'), `${master.join('\n')}\n`);
  await runFfmpeg(['-i', clip, '-frames:v', '1', '-q:v', '4', join(dir, 'poster.jpg')]);
  await mkdir(join(dir, 'mp4'), { recursive: true });
  await runFfmpeg(['-i', clip, '-c', 'copy', '-movflags', '+faststart', join(dir, 'mp4', '360p.mp4')]);
  const mp4Stat = await stat(join(dir, 'mp4', '360p.mp4'));
  await mkdir(dirname(join(dir, 'source')), { recursive: true });
  await writeFile(join(dir, 'source'), await readFile(clip));

  const Video = createVideoModel(db);
  await Video.create({
    _id: new Types.ObjectId(videoId),
    orgId: new Types.ObjectId(orgId),
    title: options.title ?? 'Fixture video',
    visibility: options.visibility ?? 'private',
    status: 'ready',
    progress: { stage: 'finalize', percent: 100 },
    metadata: fixtureMetadata({ duration: seconds, bitrate: 600_000, sizeBytes: mp4Stat.size }),
    renditions: RUNGS.map((r) => ({
      rung: r.rung,
      width: r.width,
      height: r.height,
      bandwidth: r.bitrate + 80_000,
      averageBandwidth: r.bitrate + 64_000,
      codecs: 'avc1.64001e,mp4a.40.2',
      frameRate: 25,
      playlistKey: `${orgId}/${videoId}/hls/${r.rung}p/index.m3u8`,
    })),
    posterKey: `${orgId}/${videoId}/poster.jpg`,
    mp4: {
      key: `${orgId}/${videoId}/mp4/360p.mp4`,
      size: mp4Stat.size,
      etag: `"fixture-${mp4Stat.size}"`,
      lastModified: mp4Stat.mtime,
      mimeType: 'video/mp4',
    },
    createdBy: { kind: 'user', id: orgId },
  });
  return { videoId, orgId, dir, seconds };
}

/** The probe data of a 640×360 H.264/AAC MP4 at 25 fps, as a ready video document stores it. */
export function fixtureMetadata(over: Partial<VideoMetadata> & { duration: number }): VideoMetadata {
  return {
    width: 640,
    height: 360,
    rotation: 0,
    hdr: null,
    fps: 25,
    videoCodec: 'h264',
    audioCodec: 'aac',
    hasAudio: true,
    hasVideo: true,
    bitrate: null,
    container: 'mov,mp4,m4a,3gp,3g2,mj2',
    sizeBytes: null,
    ...over,
  };
}
