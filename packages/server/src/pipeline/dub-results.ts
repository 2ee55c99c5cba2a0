// Results of `dub` jobs, applied like the transcode's (transcode-results.ts listens to the queue's
// events and hands a dub's here): the finished rendition goes into the master playlist and the
// track becomes ready, or the track fails with the job's code. At start and every minute the
// open dubs are reconciled with their jobs, so a dub that finished while no server listened is
// applied, and one whose job was lost is enqueued again.
import { dubJobId, parseTranscodeFailure, type DubJobData, type DubJobResult } from '@reelkit/protocol';
import { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import type { AudioGroupWriter } from '../videos/audio-group-writer.js';
import { enqueueDub, type TranscodeQueue } from '../videos/transcode-queue.js';
import type { StoredAudioTrack } from '../videos/video-audio-tracks.js';
import type { Video, VideoModel } from '../videos/video-model.js';

export interface DubResultsDeps {
  Video: VideoModel;
  queue: TranscodeQueue;
  writer: AudioGroupWriter;
  logger: Logger;
  /** Told about every track that became ready or failed, by the instance that applied it. */
  onUpdated: (video: Video) => Promise<void>;
  /** A processing dub with no job for this long lost it (Redis lost it, a crash): enqueued again. */
  lostJobAfterMs?: number;
  now?: () => number;
}

type OpenDubs = Pick<Video, '_id' | 'orgId' | 'audioTracks'>;

/** Pure: whether a job result is a dub's (the transcode's results have renditions). */
export function isDubResult(value: unknown): value is DubJobResult {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.playlistKey === 'string' && typeof v.bandwidth === 'number';
}

export function createDubResults(deps: DubResultsDeps) {
  const { Video, queue, writer, logger } = deps;
  const now = deps.now ?? Date.now;
  const lostJobAfterMs = deps.lostJobAfterMs ?? 60_000;

  const announced = async (video: Video | null) => {
    if (!video) return;
    try {
      await deps.onUpdated(video);
    } catch (err) {
      logger.warn({ err, videoId: String(video._id) }, 'could not announce a dub');
    }
  };

  async function complete(data: Pick<DubJobData, 'videoId'>, result: DubJobResult): Promise<void> {
    if (!Types.ObjectId.isValid(data.videoId)) return;
    await announced(await writer.publish(new Types.ObjectId(data.videoId), result));
    logger.info({ videoId: data.videoId, trackId: result.id }, 'dub ready');
  }

  async function fail(data: Pick<DubJobData, 'videoId' | 'trackId'>, failedReason: string | undefined) {
    if (!Types.ObjectId.isValid(data.videoId)) return;
    const failure = parseTranscodeFailure(failedReason);
    await announced(await writer.fail(new Types.ObjectId(data.videoId), data.trackId, failure));
    logger.info({ videoId: data.videoId, trackId: data.trackId, code: failure.code }, 'dub failed');
  }

  /** Applies whatever the job of `trackId` says now (a finished job is applied once, under the lock). */
  async function settle(jobId: string): Promise<void> {
    const job = await queue.getJob(jobId);
    if (!job) return;
    const state = await job.getState();
    const data = job.data as DubJobData;
    if (state === 'completed' && isDubResult(job.returnvalue)) await complete(data, job.returnvalue);
    else if (state === 'failed') await fail(data, job.failedReason);
  }

  async function reconcileTrack(video: OpenDubs, track: StoredAudioTrack): Promise<void> {
    const job = await queue.getJob(dubJobId(track.id));
    if (job) return settle(dubJobId(track.id));
    const createdAt = track.createdAt?.getTime() ?? 0;
    if (!track.sourceKey || createdAt > now() - lostJobAfterMs) return;
    await enqueueDub(queue, {
      orgId: video.orgId.toHexString(),
      videoId: video._id.toHexString(),
      trackId: track.id,
      sourceKey: track.sourceKey,
      language: track.language ?? 'und',
      label: track.label,
    });
    logger.warn({ videoId: String(video._id), trackId: track.id }, 'the dub job was lost; enqueued it again');
  }

  return {
    /** A `completed` event of the queue: the result when it is a dub's. */
    async completed(jobId: string, returnvalue: unknown): Promise<void> {
      const result = typeof returnvalue === 'string' ? (JSON.parse(returnvalue) as unknown) : returnvalue;
      if (!isDubResult(result)) return;
      const job = await queue.getJob(jobId);
      if (job) await complete(job.data as DubJobData, result);
    },
    /** A `failed` event: final only when no retry is scheduled. */
    failed: settle,
    async reconcile(): Promise<void> {
      const open = await Video.find({ 'audioTracks.status': 'processing' })
        .select('_id orgId audioTracks')
        .limit(200)
        .lean<OpenDubs[]>();
      for (const video of open)
        for (const track of video.audioTracks ?? [])
          if (track.status === 'processing')
            await reconcileTrack(video, track).catch((err: unknown) =>
              logger.warn({ err, trackId: track.id }, 'dub reconcile failed'),
            );
    },
  };
}

export type DubResults = ReturnType<typeof createDubResults>;
