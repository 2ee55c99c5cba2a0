/**
 * Redis pub/sub channel on which the server asks workers to stop transcoding a video (e.g. it was
 * deleted): `PUBLISH <prefix>:cancel <videoId>`. Every worker subscribes; the one running a job for
 * that video kills its ffmpeg and fails the job with `cancelled: …` (no retries). A job that is
 * still waiting is not running anywhere: remove it with `queue.remove(jobId)` first, then publish,
 * so a job that starts in between is cancelled too.
 */
export function transcodeCancelChannel(redisPrefix: string): string {
  return `${redisPrefix}:cancel`;
}
