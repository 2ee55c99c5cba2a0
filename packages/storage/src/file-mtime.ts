/**
 * A file's modification time from its `stat`, truncated to the millisecond. Node's `Stats.mtime`
 * rounds `mtimeMs` to the nearest millisecond, so a file written in the last half-millisecond of a
 * second got a date (and so an ETag and Last-Modified) one second later than the file system's, and
 * than nginx's for the same file with `DELIVERY_OFFLOAD=x-accel` (seen once in CI).
 */
export function fileMtime(stats: { mtimeMs: number }): Date {
  return new Date(Math.floor(stats.mtimeMs));
}
