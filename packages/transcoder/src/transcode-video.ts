// The `transcode` job's effects, in order: fetch the source → probe → guard → poster → one ffmpeg
// for the ladder, MP4 (fragmented) and storyboard → the MP4 remuxed to faststart → write the media
// playlists from the segments, measure them, write the master → publish through Storage.
// Decisions are made by the pure modules it calls; this file only runs processes and touches files.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  VIDEO_OUTPUT_PATHS,
  audioTrackDirPath,
  audioTrackPlaylistPath,
  progressiveMp4Path,
  renditionDirPath,
  renditionPlaylistPath,
  type AudioRendition,
  type Rendition,
  type TranscodeJobData,
  type TranscodeProgress,
  type TranscodeResult,
  type TranscodeStage,
} from '@reelkit/protocol';
import { videoKey, type Storage } from '@reelkit/storage';
import type { Logger } from 'pino';
import {
  FRAGMENTED_MP4,
  STORYBOARD_TILES_DIR,
  buildLadderArgs,
  buildMp4RemuxArgs,
  buildPosterArgs,
  buildSpriteArgs,
} from './build-ffmpeg-args.js';
import { chooseLadder, chooseOutputFps, type LadderPlan } from './choose-ladder.js';
import type { TranscoderConfig } from './config.js';
import { describeFfmpegError } from './describe-ffmpeg-error.js';
import { extractSourceCaptions } from './extract-source-captions.js';
import { buildIdetArgs, parseIdetOutput } from './detect-field-order.js';
import { fetchSource } from './fetch-source.js';
import { guardSource } from './guard-source.js';
import { AAC_LC_CODEC, avc1CodecFromInitSegment, plannedAvc1Codec } from './h264-level.js';
import { buildMasterPlaylist, withAudio } from './hls-playlists.js';
import { measurePlaylist } from './measure-playlist.js';
import { planAudioTracks, type AudioTrackPlan } from './plan-audio-tracks.js';
import { progressFromLine } from './parse-progress.js';
import { buildStoryboardVtt, planStoryboard } from './plan-storyboard.js';
import type { VideoFilterInput } from './plan-video-filters.js';
import { ProbeError, probeSource } from './probe.js';
import { publishOutputs, spareFolder } from './publish-outputs.js';
import { runFfmpeg } from './run-ffmpeg.js';
import { scoreSensitivity } from './score-sensitivity.js';
import { transcodeAudioOnly } from './transcode-audio-only.js';
import { jobFailureOf, TranscodeJobError } from './transcode-job-error.js';
import { writeMediaPlaylist } from './write-media-playlist.js';

export { TranscodeJobError };

/** Per-job inputs of {@link transcodeVideo}. */
export interface TranscodeContext {
  /** Names the work folder; any string. */
  jobId: string;
  /** Aborting kills ffmpeg; abort with a {@link TranscodeJobError} to fail the job with its code. */
  signal: AbortSignal;
  /** Every progress step, unthrottled. */
  onProgress: (progress: TranscodeProgress) => void;
  logger: Logger;
}

/** Long-lived dependencies of {@link transcodeVideo}. */
export interface TranscodeDeps {
  config: TranscoderConfig;
  storage: Storage;
  /** This worker's own local folder for job folders (see `claimScratchFolder`). */
  scratchDir: string;
}

/** The top-level entries of a video's output, published through Storage (playlists last). */
const OUTPUT_ENTRIES = [
  VIDEO_OUTPUT_PATHS.mp4Dir,
  VIDEO_OUTPUT_PATHS.poster,
  VIDEO_OUTPUT_PATHS.storyboardImage,
  VIDEO_OUTPUT_PATHS.storyboardVtt,
  VIDEO_OUTPUT_PATHS.hlsDir,
];

/**
 * Runs `idet` over the first frames of a source whose container does not say how it is scanned.
 * A failure here is not the job's: the source is then treated as progressive.
 */
async function detectFieldOrder(
  source: string,
  ffmpegPath: string,
  signal: AbortSignal,
  logger: Logger,
): Promise<'tff' | 'bff' | null> {
  try {
    const { stderr } = await runFfmpeg({ ffmpegPath, signal, args: buildIdetArgs(source) });
    const order = parseIdetOutput(stderr);
    logger.info({ fieldOrder: order ?? 'progressive' }, 'scan detected with idet');
    return order;
  } catch (err) {
    if (signal.aborted) throw err;
    logger.warn({ err: (err as Error).message }, 'idet failed; treating the source as progressive');
    return null;
  }
}

/** The audio renditions as written, their playlists written and measured; the default first. */
async function measureAudioTracks(
  work: string,
  tracks: readonly AudioTrackPlan[],
  orgId: string,
  videoId: string,
): Promise<AudioRendition[]> {
  const measured = await Promise.all(
    tracks.map(async (t): Promise<AudioRendition> => {
      const dir = join(work, audioTrackDirPath(t.id));
      await writeMediaPlaylist(dir, `audio ${t.id}`, { independentSegments: false });
      const { bandwidth, averageBandwidth } = await measurePlaylist(dir, `audio ${t.id}`);
      return {
        id: t.id,
        language: t.language,
        label: t.label,
        channels: t.channels,
        default: t.default,
        source: 'source',
        bandwidth,
        averageBandwidth,
        codecs: AAC_LC_CODEC,
        playlistKey: videoKey(orgId, videoId, ...audioTrackPlaylistPath(t.id).split('/')),
      };
    }),
  );
  return [...measured.filter((t) => t.default), ...measured.filter((t) => !t.default)];
}

/**
 * The video rungs as written, their playlists written and measured, their bandwidths and codecs
 * counting the audio group.
 */
async function measureRungs(
  work: string,
  plan: LadderPlan,
  audio: readonly AudioRendition[],
  orgId: string,
  videoId: string,
): Promise<Rendition[]> {
  return Promise.all(
    plan.rungs.map(async (r): Promise<Rendition> => {
      const dir = join(work, renditionDirPath(r.rung));
      await writeMediaPlaylist(dir, `${r.rung}p`, { independentSegments: true });
      const { init, ...bandwidths } = await measurePlaylist(dir, `${r.rung}p`);
      const video = avc1CodecFromInitSegment(init) ?? plannedAvc1Codec(r.levelIdc);
      return withAudio(
        {
          rung: r.rung,
          width: r.width,
          height: r.height,
          ...bandwidths,
          codecs: video,
          frameRate: r.fps,
          playlistKey: videoKey(orgId, videoId, ...renditionPlaylistPath(r.rung).split('/')),
        },
        audio,
      );
    }),
  );
}

/**
 * Runs the whole pipeline for one video and returns what the server stores. The source is fetched
 * from Storage into a job folder `<scratch>/<jobId>-<random>`, ffmpeg writes its outputs there,
 * and they are published through Storage at the end (see `publishOutputs`: media first, playlists
 * last, nothing left of a failed attempt), so storage never holds a half-written job that anything
 * points at. The job folder is removed whatever happens. Throws {@link TranscodeJobError} for
 * every expected failure.
 */
export async function transcodeVideo(
  data: TranscodeJobData,
  ctx: TranscodeContext,
  deps: TranscodeDeps,
): Promise<TranscodeResult> {
  const { signal, logger } = ctx;
  const started = performance.now();
  const durations: TranscodeResult['durations'] = {
    probe: 0,
    thumbnails: 0,
    transcode: 0,
    finalize: 0,
    total: 0,
  };
  const stage = async <T>(name: TranscodeStage, run: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    ctx.onProgress({ stage: name, percent: 0 });
    const t = performance.now();
    try {
      return await run();
    } finally {
      durations[name] = Math.round(performance.now() - t);
      logger.debug({ stage: name, ms: durations[name] }, 'stage done');
    }
  };

  const folderKey = videoKey(data.orgId, data.videoId);
  if (!data.sourceKey.startsWith(`${folderKey}/`))
    throw new TranscodeJobError('source_unreadable', 'the source key is not inside the video folder');
  const work = join(
    deps.scratchDir,
    `${ctx.jobId.replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(work, { recursive: true });
  try {
    return await transcodeInFolder(data, ctx, deps, { work, folderKey, stage, durations, started });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A job's folder and its stage bookkeeping, shared with transcode-audio-only.ts. */
export interface JobFolder {
  work: string;
  folderKey: string;
  stage: <T>(name: TranscodeStage, run: () => Promise<T>) => Promise<T>;
  durations: TranscodeResult['durations'];
  started: number;
}

async function transcodeInFolder(
  data: TranscodeJobData,
  ctx: TranscodeContext,
  deps: TranscodeDeps,
  { work, folderKey, stage, durations, started }: JobFolder,
): Promise<TranscodeResult> {
  const { config, storage } = deps;
  const { signal, logger } = ctx;
  const source = join(work, 'source');

  const { info, sizeBytes } = await stage('probe', async () => {
    try {
      await fetchSource(storage, data.sourceKey, source, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      if ((err as { code?: string }).code !== 'ENOENT') throw err; // an outage: retried
      throw new TranscodeJobError('source_unreadable', 'the source is not in storage');
    }
    try {
      const i = await probeSource(source, { ffprobePath: config.FFPROBE_PATH });
      return { info: i, sizeBytes: i.metadata.sizeBytes };
    } catch (err) {
      if (!(err instanceof ProbeError)) throw err;
      logger.warn({ err: err.message }, 'ffprobe could not read the source');
      if (err.formatRejected) throw new TranscodeJobError('source_format_rejected');
      // Whatever ffprobe says, a file it cannot open will not open on a retry.
      throw new TranscodeJobError('source_unreadable', describeFfmpegError(err.message).detail);
    }
  });
  const { metadata } = info;
  const refusal = guardSource(metadata, {
    maxDurationS: config.MAX_DURATION_S,
    maxPixels: config.MAX_PIXELS,
    maxFps: config.MAX_FPS,
  });
  if (refusal) throw new TranscodeJobError(refusal.code, refusal.detail);
  const sensitivity = scoreSensitivity(
    { originalName: data.originalName, sizeBytes, metadata },
    {
      keywords: config.SENSITIVITY_KEYWORDS,
      minBytes: config.SENSITIVITY_MIN_BYTES,
      maxBytes: config.SENSITIVITY_MAX_BYTES,
      minDurationS: config.SENSITIVITY_MIN_DURATION_S,
      maxDurationS: config.SENSITIVITY_MAX_DURATION_S,
    },
  );
  if (!info.video) {
    // guardSource lets a source without a picture through only when it has audio.
    if (!info.audio) throw new TranscodeJobError('source_no_video');
    const folder = { work, folderKey, stage, durations, started };
    try {
      return await transcodeAudioOnly(data, ctx, deps, folder, {
        source,
        info: { ...info, audio: info.audio },
        sensitivity,
      });
    } catch (err) {
      throw jobFailureOf(err, signal, logger);
    }
  }

  const { fieldOrder } = info.video;
  const deinterlace =
    fieldOrder === 'tff' || fieldOrder === 'bff'
      ? fieldOrder
      : fieldOrder === 'unknown'
        ? await detectFieldOrder(source, config.FFMPEG_PATH, signal, logger)
        : null;
  const video: VideoFilterInput = {
    deinterlace,
    hdr: metadata.hdr,
    colour: info.video.colour,
    codedHeight: info.video.codedHeight,
  };
  const fps = chooseOutputFps({
    fps: metadata.fps,
    baseFps: info.video.baseFps,
    vfr: info.video.vfr,
    interlaced: deinterlace !== null,
  });
  const plan = chooseLadder({ ...metadata, fps }, { segmentSeconds: config.HLS_SEGMENT_S });
  const audioTracks = planAudioTracks(info.audioStreams);
  const top = plan.rungs[0]!;
  const storyboard = planStoryboard({ durationS: metadata.duration, width: top.width, height: top.height });
  logger.info(
    {
      rungs: plan.rungs.map((r) => `${r.width}x${r.height}@${r.fps}`),
      duration: metadata.duration,
      rotation: metadata.rotation,
      hdr: metadata.hdr,
      deinterlace,
      audioStream: info.audio?.index ?? null,
      audioTracks: audioTracks.map((t) => `${t.id}:${t.language ?? 'und'}${t.default ? '*' : ''}`),
    },
    'ladder chosen',
  );

  await Promise.all([
    ...plan.rungs.map((r) => mkdir(join(work, renditionDirPath(r.rung)), { recursive: true })),
    ...audioTracks.map((t) => mkdir(join(work, audioTrackDirPath(t.id)), { recursive: true })),
    mkdir(join(work, VIDEO_OUTPUT_PATHS.mp4Dir), { recursive: true }),
    mkdir(join(work, STORYBOARD_TILES_DIR), { recursive: true }),
  ]);
  try {
    const captions = await stage('thumbnails', async () => {
      await runFfmpeg({
        ffmpegPath: config.FFMPEG_PATH,
        signal,
        args: buildPosterArgs({
          input: source,
          output: join(work, VIDEO_OUTPUT_PATHS.poster),
          durationS: metadata.duration,
          width: top.width,
          height: top.height,
          video,
        }),
      });
      const { orgId, videoId } = data;
      const streams = info.subtitleStreams;
      return extractSourceCaptions({
        source,
        workDir: work,
        orgId,
        videoId,
        streams,
        ffmpegPath: config.FFMPEG_PATH,
        signal,
        logger,
      });
    });
    await stage('transcode', () =>
      runFfmpeg({
        ffmpegPath: config.FFMPEG_PATH,
        signal,
        args: buildLadderArgs({
          input: source,
          outDir: work,
          plan,
          storyboard,
          video,
          audioStream: info.audio?.index ?? null,
          audioTracks,
          preset: config.X264_PRESET,
        }),
        onStdoutLine: (line) => {
          const percent = progressFromLine(line, metadata.duration);
          if (percent !== null) ctx.onProgress({ stage: 'transcode', percent });
        },
      }).then(async () => {
        // The ladder wrote the MP4 fragmented (its memory then stays flat however long the
        // source); the faststart MP4 is a copy of it, in a short ffmpeg of its own.
        await runFfmpeg({
          ffmpegPath: config.FFMPEG_PATH,
          signal,
          args: buildMp4RemuxArgs({ workDir: work, mp4Rung: plan.mp4Rung }),
        });
        await unlink(join(work, FRAGMENTED_MP4));
      }),
    );
    const { renditions, audio, board } = await stage('finalize', async () => {
      const audio = await measureAudioTracks(work, audioTracks, data.orgId, data.videoId);
      const measured = await measureRungs(work, plan, audio, data.orgId, data.videoId);
      const master = buildMasterPlaylist(
        measured.map((r) => ({ ...r, uri: `${r.rung}p/index.m3u8` })),
        audio.map((t) => ({ ...t, name: t.label, uri: `audio/${t.id}/index.m3u8` })),
      );
      await writeFile(join(work, VIDEO_OUTPUT_PATHS.master), master);
      // The fps filter may give one thumbnail fewer than planned at the very end.
      const tiles = (await readdir(join(work, STORYBOARD_TILES_DIR))).length;
      if (tiles === 0)
        throw new TranscodeJobError('transcode_failed', 'no storyboard thumbnails were written');
      const count = Math.min(storyboard.count, tiles);
      const board = { ...storyboard, count, rows: Math.ceil(count / storyboard.columns) };
      await runFfmpeg({
        ffmpegPath: config.FFMPEG_PATH,
        signal,
        args: buildSpriteArgs({
          workDir: work,
          plan: board,
          output: join(work, VIDEO_OUTPUT_PATHS.storyboardImage),
        }),
      });
      await writeFile(
        join(work, VIDEO_OUTPUT_PATHS.storyboardVtt),
        buildStoryboardVtt(board, metadata.duration, VIDEO_OUTPUT_PATHS.storyboardImage),
      );
      await Promise.all(
        [VIDEO_OUTPUT_PATHS.poster, VIDEO_OUTPUT_PATHS.storyboardImage, progressiveMp4Path(plan.mp4Rung)].map(
          (p) => stat(join(work, p)),
        ),
      );
      signal.throwIfAborted();
      // Media first, playlists last; a failure or a cancel (the video is being deleted) while
      // publishing takes back what was written. The job's result, returned after this, is what
      // makes the video playable.
      await publishOutputs({
        storage,
        workDir: work,
        folderKey,
        // Uploaded captions share `hls/subs` with the source's: only this job's files there are replaced.
        entries: await spareFolder(work, OUTPUT_ENTRIES, VIDEO_OUTPUT_PATHS.captionsDir),
        masterPath: VIDEO_OUTPUT_PATHS.master,
        signal,
      });
      ctx.onProgress({ stage: 'finalize', percent: 100 });
      return { renditions: measured, audio, board };
    });
    const key = (path: string) => videoKey(data.orgId, data.videoId, ...path.split('/'));
    durations.total = Math.round(performance.now() - started);
    return {
      metadata,
      renditions,
      audioTracks: audio,
      captions,
      mediaType: 'video',
      masterKey: key(VIDEO_OUTPUT_PATHS.master),
      mp4Key: key(progressiveMp4Path(plan.mp4Rung)),
      posterKey: key(VIDEO_OUTPUT_PATHS.poster),
      storyboard: {
        imageKey: key(VIDEO_OUTPUT_PATHS.storyboardImage),
        vttKey: key(VIDEO_OUTPUT_PATHS.storyboardVtt),
        interval: board.interval,
        columns: board.columns,
        rows: board.rows,
        tileWidth: board.tileWidth,
        tileHeight: board.tileHeight,
      },
      sensitivity,
      durations,
    };
  } catch (err) {
    throw jobFailureOf(err, signal, logger);
  }
}
