// The `transcode` job of an audio-only source (m4a, mp3, wav, flac, ogg/opus): a generated poster,
// one ffmpeg for the audio-only HLS ladder and the progressive `.m4a`, a master of audio-only
// variants, published through Storage (playlists last). Called by transcode-video.ts once the probe
// found audio and no picture; the decisions are in plan-audio-tracks.ts and build-audio-args.ts.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AUDIO_ONLY_M4A_PATH,
  VIDEO_OUTPUT_PATHS,
  audioOnlyVariantId,
  audioTrackDirPath,
  type SensitivityResult,
  type TranscodeJobData,
  type TranscodeResult,
} from '@reelkit/protocol';
import { videoKey } from '@reelkit/storage';
import { AUDIO_POSTER_SIZE, buildAudioOnlyArgs, buildAudioPosterArgs } from './build-audio-args.js';
import { AAC_LC_CODEC } from './h264-level.js';
import { buildAudioOnlyMasterPlaylist } from './hls-playlists.js';
import { measurePlaylist } from './measure-playlist.js';
import { progressFromLine } from './parse-progress.js';
import { AUDIO_ONLY_LADDER_KBPS } from './plan-audio-tracks.js';
import { publishOutputs, spareFolder } from './publish-outputs.js';
import { runFfmpeg } from './run-ffmpeg.js';
import { writeMediaPlaylist } from './write-media-playlist.js';
import type { SourceInfo } from './to-video-metadata.js';
import type { JobFolder, TranscodeContext, TranscodeDeps } from './transcode-video.js';

/** The top-level entries of an audio-only video's output (no storyboard). */
const AUDIO_ONLY_ENTRIES = [VIDEO_OUTPUT_PATHS.mp4Dir, VIDEO_OUTPUT_PATHS.poster, VIDEO_OUTPUT_PATHS.hlsDir];

/** What {@link transcodeAudioOnly} is given by the video pipeline, after probing and guarding. */
export interface AudioOnlyInput {
  source: string;
  /** The probe of a source with audio and no picture (`info.audio` set). */
  info: SourceInfo & { audio: NonNullable<SourceInfo['audio']> };
  sensitivity: SensitivityResult;
}

/**
 * Transcodes an audio-only source in the job folder and publishes it; returns a result with
 * `mediaType: 'audio'`, no rungs, no audio tracks (the variants are the ladder, not a choice of
 * languages) and no storyboard. Failures of ffmpeg are the caller's to describe.
 */
export async function transcodeAudioOnly(
  data: TranscodeJobData,
  ctx: TranscodeContext,
  deps: TranscodeDeps,
  { work, folderKey, stage, durations, started }: JobFolder,
  { source, info, sensitivity }: AudioOnlyInput,
): Promise<TranscodeResult> {
  const { config, storage } = deps;
  const { signal, logger } = ctx;
  const { metadata } = info;
  const variants = AUDIO_ONLY_LADDER_KBPS.map((kbps) => ({ id: audioOnlyVariantId(kbps), kbps }));
  logger.info(
    { variants: variants.map((v) => v.id), duration: metadata.duration, audioStream: info.audio.index },
    'audio-only ladder chosen',
  );
  await Promise.all([
    ...variants.map((v) => mkdir(join(work, audioTrackDirPath(v.id)), { recursive: true })),
    mkdir(join(work, VIDEO_OUTPUT_PATHS.mp4Dir), { recursive: true }),
  ]);
  await stage('thumbnails', () =>
    runFfmpeg({
      ffmpegPath: config.FFMPEG_PATH,
      signal,
      args: buildAudioPosterArgs({ output: join(work, VIDEO_OUTPUT_PATHS.poster), ...AUDIO_POSTER_SIZE }),
    }),
  );
  await stage('transcode', () =>
    runFfmpeg({
      ffmpegPath: config.FFMPEG_PATH,
      signal,
      args: buildAudioOnlyArgs({
        input: source,
        outDir: work,
        streamIndex: info.audio.index,
        variants,
        m4a: { path: join(work, AUDIO_ONLY_M4A_PATH), kbps: AUDIO_ONLY_LADDER_KBPS[0] },
        segmentSeconds: config.HLS_SEGMENT_S,
      }),
      onStdoutLine: (line) => {
        const percent = progressFromLine(line, metadata.duration);
        if (percent !== null) ctx.onProgress({ stage: 'transcode', percent });
      },
    }),
  );
  await stage('finalize', async () => {
    const measured = await Promise.all(
      variants.map(async (v) => {
        const dir = join(work, audioTrackDirPath(v.id));
        await writeMediaPlaylist(dir, `${v.id} audio`, { independentSegments: false });
        const { bandwidth, averageBandwidth } = await measurePlaylist(dir, `${v.id} audio`);
        return { uri: `audio/${v.id}/index.m3u8`, bandwidth, averageBandwidth, codecs: AAC_LC_CODEC };
      }),
    );
    await writeFile(join(work, VIDEO_OUTPUT_PATHS.master), buildAudioOnlyMasterPlaylist(measured));
    await Promise.all([VIDEO_OUTPUT_PATHS.poster, AUDIO_ONLY_M4A_PATH].map((p) => stat(join(work, p))));
    signal.throwIfAborted();
    await publishOutputs({
      storage,
      workDir: work,
      folderKey,
      // Uploaded captions live in `hls/subs`: a re-transcode must leave them.
      entries: await spareFolder(work, AUDIO_ONLY_ENTRIES, VIDEO_OUTPUT_PATHS.captionsDir),
      masterPath: VIDEO_OUTPUT_PATHS.master,
      signal,
    });
    ctx.onProgress({ stage: 'finalize', percent: 100 });
  });
  const key = (path: string) => videoKey(data.orgId, data.videoId, ...path.split('/'));
  durations.total = Math.round(performance.now() - started);
  return {
    metadata,
    renditions: [],
    audioTracks: [],
    mediaType: 'audio',
    masterKey: key(VIDEO_OUTPUT_PATHS.master),
    mp4Key: key(AUDIO_ONLY_M4A_PATH),
    posterKey: key(VIDEO_OUTPUT_PATHS.poster),
    storyboard: null,
    sensitivity,
    durations,
  };
}
