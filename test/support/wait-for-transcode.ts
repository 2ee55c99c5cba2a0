// Waiting for a transcode, the one way every test does it: on BullMQ's events, with a budget a
// busy machine (two cores shared by several test runs, an ffmpeg per run) does not miss.
import { QUEUES } from '@reelkit/protocol';
import { QueueEvents, type Job } from 'bullmq';
import type { TestApi } from './api-server.js';

/** How long a test waits for one transcode: minutes, as ffmpeg may wait that long for a core. */
export const TRANSCODE_BUDGET_MS = 300_000;

/** A test (or hook) timeout that leaves room for one transcode and what the test does around it. */
export const TRANSCODE_TEST_TIMEOUT_MS = TRANSCODE_BUDGET_MS + 60_000;

/** A video as the API answers it; tests read what they check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an API body, read loosely in tests
type VideoBody = Record<string, any>;

/** How long a server may take to apply a finished job to the video (after the job's event). */
const APPLY_BUDGET_MS = 30_000;

/** The job's result once its `completed` event arrives; rejects with its failure reason. */
export async function waitForJob<R>(
  job: Job,
  events: QueueEvents,
  budgetMs = TRANSCODE_BUDGET_MS,
): Promise<R> {
  return (await job.waitUntilFinished(events, budgetMs)) as R;
}

/** Resolves once the job of `videoId` (job id = video id) has finished, completed or failed. */
export async function waitForJobOfVideo(api: TestApi, videoId: string, budgetMs = TRANSCODE_BUDGET_MS) {
  const events = new QueueEvents(QUEUES.transcode, {
    connection: api.redis.duplicate(),
    prefix: api.config.REDIS_PREFIX,
  });
  events.on('error', () => undefined);
  try {
    await events.waitUntilReady();
    const job = await api.reelkit.queue.getJob(videoId);
    if (!job) throw new Error(`no transcode job for ${videoId}`);
    await job.waitUntilFinished(events, budgetMs).catch((err: unknown) => {
      // A failed job is an outcome the caller reads from the video; only a timeout is ours.
      if (err instanceof Error && /timed out/i.test(err.message)) throw err;
    });
  } finally {
    await events.close();
  }
}

/**
 * The video as the API shows it once it is in one of `statuses`. For `ready`/`failed` it waits on
 * the job's events first (a transcode may take minutes), then for the server to apply the result;
 * any other status is read until it shows, within the budget.
 */
export async function waitForVideoStatus(
  api: TestApi,
  token: string,
  id: string,
  statuses: string[],
  budgetMs = TRANSCODE_BUDGET_MS,
  /** Where the API is reached, when not at `api.url`. */
  base = api.url,
) {
  const terminal = statuses.every((s) => s === 'ready' || s === 'failed');
  if (terminal) await waitForJobOfVideo(api, id, budgetMs);
  const until = Date.now() + (terminal ? APPLY_BUDGET_MS : budgetMs);
  let last: { status?: string } | undefined;
  while (Date.now() < until) {
    const res = await fetch(`${base}/v1/videos/${id}`, { headers: { authorization: `Bearer ${token}` } });
    last = (await res.json()) as { status?: string };
    if (last.status && statuses.includes(last.status)) return last as VideoBody;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`video ${id} never reached ${statuses.join('/')}: ${JSON.stringify(last)}`);
}
