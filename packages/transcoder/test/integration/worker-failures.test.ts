import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  QUEUES,
  TRANSCODE_JOBS,
  TRANSCODE_JOB_OPTIONS,
  parseTranscodeFailure,
  type TranscodeJobData,
  type TranscodeProgress,
  type TranscodeResult,
} from '@reelkit/protocol';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../../../../test/support/clips.js';
import { startTs, type Proc } from '../../../../test/support/processes.js';
import { stackEnv } from '../../../../test/support/stack-env.js';
import { TRANSCODE_TEST_TIMEOUT_MS, waitForJob } from '../../../../test/support/wait-for-transcode.js';
import { ffmpegRunningFor, putSource, scratchJobFolders } from './transcode-helpers.js';

/** A queue, its events and the progress seen per job, on a prefix and storage folder of its own. */
function harness(name: string) {
  const env = stackEnv();
  const prefix = `${env.REDIS_PREFIX}-${name}`;
  const storage = join(env.STORAGE_DIR, name);
  const scratch = join(env.STORAGE_DIR, `${name}-scratch`);
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.transcode, { connection, prefix });
  const events = new QueueEvents(QUEUES.transcode, { connection: connection.duplicate(), prefix });
  const progress = new Map<string, TranscodeProgress[]>();
  events.on('progress', ({ jobId, data }) => {
    progress.set(jobId, [...(progress.get(jobId) ?? []), data as TranscodeProgress]);
  });
  const procs: Proc[] = [];
  return {
    storage,
    scratch,
    queue,
    events,
    worker(extra: Record<string, string>): Proc {
      const p = startTs('packages/transcoder/src/main.ts', {
        ...env,
        REDIS_PREFIX: prefix,
        STORAGE_DIR: storage,
        SCRATCH_DIR: scratch,
        LOCK_DURATION_MS: '2000',
        ...extra,
      });
      procs.push(p);
      return p;
    },
    async add(videoId: string, clip: string): Promise<void> {
      const data: TranscodeJobData = {
        orgId: 'org-f',
        videoId,
        sourceKey: await putSource(storage, 'org-f', videoId, clip),
      };
      await queue.add(TRANSCODE_JOBS.transcode, data, { ...TRANSCODE_JOB_OPTIONS, jobId: videoId });
    },
    /** Resolves once the job reported progress of the transcode stage (ffmpeg is running). */
    async transcoding(videoId: string): Promise<void> {
      for (let i = 0; i < 1500; i++) {
        if ((progress.get(videoId) ?? []).some((p) => p.stage === 'transcode')) return;
        await sleep(20);
      }
      throw new Error(`${videoId} never reached the transcode stage`);
    },
    async close() {
      await Promise.all(procs.map((p) => p.stop('SIGKILL')));
      await events.close();
      await queue.close();
      connection.disconnect();
    },
  };
}

describe('a transcode job when things go wrong', { timeout: TRANSCODE_TEST_TIMEOUT_MS }, () => {
  let clip: string;
  beforeAll(async () => {
    clip = await makeClip({ width: 1280, height: 720, seconds: 8, fps: 25 });
  });

  describe('the job timeout', () => {
    const h = harness('to');
    afterAll(() => h.close());

    it('kills ffmpeg and fails the job with transcode_timeout, without retries', async () => {
      // A slow preset, so the ladder is still running when JOB_TIMEOUT_MS is up.
      const w = h.worker({ JOB_TIMEOUT_MS: '1500', X264_PRESET: 'slow' });
      await w.waitFor(/worker ready/);
      await h.add('vid-timeout', clip);
      const job = await h.queue.getJob('vid-timeout');
      await expect(waitForJob(job!, h.events)).rejects.toThrow(/^transcode_timeout: /);
      const after = await h.queue.getJob('vid-timeout');
      expect(after!.attemptsMade).toBe(1);
      expect(parseTranscodeFailure(after!.failedReason).code).toBe('transcode_timeout');
      expect(await ffmpegRunningFor('vid-timeout')).toEqual([]);
      expect(await readdir(join(h.storage, 'org-f', 'vid-timeout'))).toEqual(['source']);
      expect(await scratchJobFolders(h.scratch)).toEqual([]);
    });
  });

  describe('a worker that dies or stops mid-job', () => {
    const h = harness('kl');
    const stopped: Proc[] = [];
    afterEach(async () => {
      await Promise.all(stopped.splice(0).map((p) => p.stop('SIGTERM')));
    });
    afterAll(() => h.close());

    async function expectCompletedByAnotherWorker(videoId: string) {
      const rescuer = h.worker({ X264_PRESET: 'ultrafast' });
      stopped.push(rescuer);
      const job = await h.queue.getJob(videoId);
      const result = await waitForJob<TranscodeResult>(job!, h.events);
      expect(result.renditions.map((r) => r.rung)).toEqual([720, 480, 360, 240]);
      const files = await readdir(join(h.storage, 'org-f', videoId));
      expect(files.sort()).toEqual([
        'hls',
        'mp4',
        'poster.jpg',
        'source',
        'storyboard.jpg',
        'storyboard.vtt',
      ]);
      expect(rescuer.output()).toMatch(new RegExp(`"jobId":"${videoId}".*"msg":"transcoded"`));
    }

    it('kill -9 of a worker mid-job: ffmpeg dies with it, and the job runs again elsewhere and completes', async () => {
      const doomed = h.worker({ X264_PRESET: 'medium' });
      await doomed.waitFor(/worker ready/);
      await h.add('vid-kill', clip);
      await h.transcoding('vid-kill');
      expect(await ffmpegRunningFor('vid-kill')).toHaveLength(1);
      await doomed.stop('SIGKILL');
      // The kernel kills the orphaned ffmpeg (parent-death signal).
      for (let i = 0; i < 50 && (await ffmpegRunningFor('vid-kill')).length; i++) await sleep(20);
      expect(await ffmpegRunningFor('vid-kill')).toEqual([]);
      await expectCompletedByAnotherWorker('vid-kill');
      // The dead worker's job folder went when the next worker started; the rescuer's own after its job.
      expect(await scratchJobFolders(h.scratch)).toEqual([]);
    });

    it('SIGTERM mid-job: the worker exits within SHUTDOWN_TIMEOUT_MS and the job completes elsewhere', async () => {
      const leaving = h.worker({ X264_PRESET: 'medium', SHUTDOWN_TIMEOUT_MS: '1000' });
      await leaving.waitFor(/worker ready/);
      await h.add('vid-term', clip);
      await h.transcoding('vid-term');
      const t = Date.now();
      expect(await leaving.stop('SIGTERM')).toBe(0);
      expect(Date.now() - t).toBeLessThan(5000);
      // Two lines, in either order (pino writes asynchronously).
      expect(leaving.output()).toMatch(/"videoId":"vid-term","msg":"job handed back"/);
      expect(leaving.output()).toMatch(/"forced":true,"msg":"stopped"/);
      // Handed back at once, not left to its lock expiring, and no attempt used.
      const job = await h.queue.getJob('vid-term');
      expect(await job!.getState()).toBe('waiting');
      expect(job!.attemptsMade).toBe(0);
      for (let i = 0; i < 50 && (await ffmpegRunningFor('vid-term')).length; i++) await sleep(20);
      expect(await ffmpegRunningFor('vid-term')).toEqual([]);
      await expectCompletedByAnotherWorker('vid-term');
    });
  });
});
