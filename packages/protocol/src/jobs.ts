import type { VideoMetadata } from './video-metadata.js';

/** BullMQ queue names. Producers and workers import them from here, never spell them. */
export const QUEUES = {
  transcode: 'transcode',
} as const;

/** Job names inside the `transcode` queue. */
export const TRANSCODE_JOBS = {
  /** Runs ffprobe only and returns the metadata (health checks, tests, re-probing). */
  probe: 'probe',
} as const;

/**
 * A job payload carries ids and storage keys, never secrets or absolute paths: the worker resolves
 * keys against its own storage driver.
 */
export interface ProbeJobData {
  orgId: string;
  videoId: string;
  /** Storage key of the source file, e.g. `<orgId>/<videoId>/source`. */
  sourceKey: string;
}

export type ProbeJobResult = VideoMetadata;
