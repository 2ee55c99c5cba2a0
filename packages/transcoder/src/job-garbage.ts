import { createGarbagePacer } from '@reelkit/storage';

/**
 * Bytes of source or output chunks between two scavenges in a transcode job (the publish, and
 * the fetch from a driver without `openReader`). The process-wide
 * default (16 MiB, `streamGarbage`) suits uploads; here it let a source of 16 MiB or more leave
 * about 20 MiB more RSS after the fetch than a short one (the 1 MiB read chunks, freed in a batch,
 * stay with the allocator), so a long source's worker peaked higher than a short one's. At 4 MiB
 * the step is about 10 MiB, for one ~1 ms scavenge per 4 MiB.
 */
export const JOB_GARBAGE_BYTES = 4 * 1024 * 1024;

/** The pacer of the job's fetch and publish streams (one per process, as GC is). */
export const jobGarbage = createGarbagePacer(JOB_GARBAGE_BYTES);
