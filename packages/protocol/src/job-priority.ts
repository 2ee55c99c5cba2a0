/** Organisation plans, highest service first. */
export type Plan = 'free' | 'pro' | 'enterprise';

/** BullMQ's priority range: 1 runs first; 0 means "no priority" and is never returned. */
export const MAX_JOB_PRIORITY = 2_097_152;

const PLAN_ORDER: Record<Plan, number> = { enterprise: 0, pro: 1, free: 2 };
const PLANS = 3;

/**
 * BullMQ priority for a new `transcode` job (lower runs sooner).
 *
 * Rule: `priority = 1 + orgJobsWaiting × 3 + planOrder`, with planOrder enterprise 0, pro 1, free 2.
 * Jobs go out in rounds: every organisation's first waiting job runs before any organisation's
 * second, every second before any third, and so on, so one organisation uploading 500 videos
 * cannot starve the others. Within a round enterprise goes before pro before free; jobs of equal
 * priority run in the order they were added.
 *
 * `orgJobsWaiting` is how many of this organisation's `transcode` jobs are already waiting (not
 * counting this one); the producer counts them when it enqueues, so it may be approximate under
 * races, which only shifts a job by a round. The result is clamped to BullMQ's range.
 */
export function transcodePriority(plan: Plan, orgJobsWaiting: number): number {
  const waiting = Number.isFinite(orgJobsWaiting) ? Math.max(0, Math.floor(orgJobsWaiting)) : 0;
  const priority = 1 + waiting * PLANS + PLAN_ORDER[plan];
  return Math.min(priority, MAX_JOB_PRIORITY);
}
