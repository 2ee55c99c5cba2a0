// The `dub` job: one audio file added to a ready video becomes one more AAC rendition of its audio
// group, encoded like the source's own tracks (build-audio-args.ts `buildDubArgs`). The job writes
// the rendition's segments, init segment and media playlist (the last from the segments, as every
// media playlist: write-media-playlist.ts) and returns it measured; the server
// adds it to the master playlist (under the video's lock, where it also re-reads the master).
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  audioTrackDirPath,
  audioTrackPlaylistPath,
  type DubJobData,
  type DubJobResult,
} from '@reelkit/protocol';
import { videoKey } from '@reelkit/storage';
import type { Logger } from 'pino';
import { buildDubArgs } from './build-audio-args.js';
import { describeFfmpegError } from './describe-ffmpeg-error.js';
import { fetchSource } from './fetch-source.js';
import { AAC_LC_CODEC } from './h264-level.js';
import { measurePlaylist } from './measure-playlist.js';
import { AUDIO_RENDITION_KBPS } from './plan-audio-tracks.js';
import { ProbeError, probeSource } from './probe.js';
import { publishOutputs } from './publish-outputs.js';
import { runFfmpeg } from './run-ffmpeg.js';
import { TranscodeJobError, jobFailureOf } from './transcode-job-error.js';
import { writeMediaPlaylist } from './write-media-playlist.js';
import type { TranscodeDeps } from './transcode-video.js';

/**
 * Transcodes and publishes one dub in a job folder of its own (removed whatever happens). A
 * source key outside the video's folder, a file ffprobe cannot read or one without audio fail
 * for good; an ffmpeg failure is described as the video pipeline's are.
 */
export async function transcodeDub(
  data: DubJobData,
  ctx: { jobId: string; signal: AbortSignal; logger: Logger },
  deps: TranscodeDeps,
): Promise<DubJobResult> {
  const { config, storage } = deps;
  const { signal, logger } = ctx;
  const folderKey = videoKey(data.orgId, data.videoId);
  if (!data.sourceKey.startsWith(`${folderKey}/`) || !/^[0-9a-f]{24}$/.test(data.trackId))
    throw new TranscodeJobError('source_unreadable', 'the dub is not inside the video folder');
  const work = join(
    deps.scratchDir,
    `${ctx.jobId.replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(join(work, audioTrackDirPath(data.trackId)), { recursive: true });
  try {
    const source = join(work, 'source');
    try {
      await fetchSource(storage, data.sourceKey, source, signal);
    } catch (err) {
      if (signal.aborted || (err as { code?: string }).code !== 'ENOENT') throw err; // an outage: retried
      throw new TranscodeJobError('source_unreadable', 'the dub is not in storage');
    }
    let audio;
    try {
      audio = (await probeSource(source, { ffprobePath: config.FFPROBE_PATH, signal })).audio;
    } catch (err) {
      if (!(err instanceof ProbeError)) throw err;
      if (err.formatRejected) throw new TranscodeJobError('source_format_rejected');
      throw new TranscodeJobError('source_unreadable', describeFfmpegError(err.message).detail);
    }
    if (!audio) throw new TranscodeJobError('source_no_video', 'the dub has no audio stream');
    const track = { id: data.trackId, kbps: AUDIO_RENDITION_KBPS };
    try {
      await runFfmpeg({
        ffmpegPath: config.FFMPEG_PATH,
        signal,
        args: buildDubArgs({
          input: source,
          outDir: work,
          streamIndex: audio.index,
          track,
          segmentSeconds: config.HLS_SEGMENT_S,
        }),
      });
    } catch (err) {
      throw jobFailureOf(err, signal, logger);
    }
    const dir = audioTrackDirPath(data.trackId);
    await writeMediaPlaylist(join(work, dir), `dub ${data.trackId}`, { independentSegments: false });
    const { bandwidth, averageBandwidth } = await measurePlaylist(join(work, dir), `dub ${data.trackId}`);
    // Segments and init first, the media playlist last; the master is the server's to rewrite.
    await publishOutputs({ storage, workDir: work, folderKey, entries: [dir], masterPath: '', signal });
    logger.info({ videoId: data.videoId, trackId: data.trackId, bandwidth }, 'dub transcoded');
    return {
      id: data.trackId,
      language: data.language,
      label: data.label,
      channels: 2,
      default: false,
      source: 'upload',
      bandwidth,
      averageBandwidth,
      codecs: AAC_LC_CODEC,
      playlistKey: videoKey(data.orgId, data.videoId, ...audioTrackPlaylistPath(data.trackId).split('/')),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
