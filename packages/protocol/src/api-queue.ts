import { z } from 'zod';

/**
 * Job states BullMQ counts (also the `state` label of `reelkit_queue_jobs`). BullMQ 6 has no
 * `paused` state: the jobs of a paused queue count as `waiting`.
 */
export const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;
/** One of {@link JOB_STATES}. */
export type JobState = (typeof JOB_STATES)[number];

const jobCount = z.number().int().min(0);

/** `GET /v1/admin/queue`. */
export const queueHealthSchema = z
  .strictObject({
    queue: z.string().describe('The BullMQ queue’s name.'),
    counts: z
      .record(z.enum(JOB_STATES), jobCount)
      .describe('Jobs by state, for the whole queue (every organisation’s jobs: the operator’s view).'),
    workers: jobCount.describe('Transcode workers connected to the queue.'),
    org: z
      .strictObject({
        queued: jobCount.describe('Your videos waiting for a worker.'),
        processing: jobCount.describe('Your videos being transcoded.'),
      })
      .describe('Your organisation’s share, counted from its videos.'),
  })
  .meta({ id: 'QueueHealth', description: 'The transcode queue’s depth and workers.' });
/** The transcode queue's depth and workers. */
export interface QueueHealth extends z.output<typeof queueHealthSchema> {}
