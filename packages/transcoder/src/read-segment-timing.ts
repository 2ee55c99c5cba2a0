// Reads the timing of one fMP4 media segment from its file: the top-level box headers in turn
// (a few bytes each), and only the `moof` boxes whole; the media data (`mdat`) is skipped, never read.
import { open, type FileHandle } from 'node:fs/promises';
import {
  Fmp4TimingError,
  MAX_BOX_HEADER,
  parseMoofTiming,
  readBoxHeader,
  type TrackTiming,
} from './parse-fmp4-timing.js';

/** Largest `moof` read: ours hold one fragment of a few seconds (a few KiB of sample tables). */
export const MAX_MOOF_BYTES = 8 * 1024 * 1024;

/** Where a segment's samples of one track start and how long they last, in the track's timescale. */
export interface SegmentTiming {
  /** `tfdt` of the segment's first fragment of the track. */
  start: number;
  /** Sum of the sample durations of every fragment of the track in the segment. */
  duration: number;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}

/**
 * The timing of track `trackId`'s samples in the segment at `path`; `tracks` are the init
 * segment's. Throws {@link Fmp4TimingError} for a file that is not a well-formed fMP4 segment with
 * at least one fragment of the track.
 */
export async function readSegmentTiming(
  path: string,
  tracks: readonly TrackTiming[],
  trackId: number,
): Promise<SegmentTiming> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    let at = 0;
    let start: number | null = null;
    let duration = 0;
    while (at < size) {
      const head = await readAt(file, at, Math.min(MAX_BOX_HEADER, size - at));
      const box = readBoxHeader(head, 0, size - at);
      const length = box.end - box.start;
      if (box.type === 'moof') {
        if (length > MAX_MOOF_BYTES)
          throw new Fmp4TimingError(`'moof' box at byte ${at} is too large (${length} bytes)`);
        const fragments = parseMoofTiming(await readAt(file, at, length), tracks);
        for (const f of fragments.filter((t) => t.trackId === trackId)) {
          start ??= f.baseMediaDecodeTime;
          duration += f.duration;
        }
      }
      at += length;
    }
    if (start === null) throw new Fmp4TimingError(`no fragment of track ${trackId} in the segment`);
    return { start, duration };
  } finally {
    await file.close();
  }
}
