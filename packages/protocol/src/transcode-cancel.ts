/**
 * Redis pub/sub channel on which the server asks workers to stop a job (its video or dub was
 * deleted): `PUBLISH <prefix>:cancel <jobId>` — a video's transcode job has the video's id, a dub's
 * `dub-<trackId>` (`dubJobId`). Every worker subscribes; the one running that job kills its
 * ffmpeg and fails the job with `cancelled: …` (no retries). A job that is
 * still waiting is not running anywhere: remove it with `queue.remove(jobId)` first, then publish,
 * so a job that starts in between is cancelled too.
 */
export function transcodeCancelChannel(redisPrefix: string): string {
  return `${redisPrefix}:cancel`;
}
