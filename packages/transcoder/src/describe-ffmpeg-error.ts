// ffmpeg and ffprobe explain failures in lines that name file paths and memory addresses
// ("[mov,mp4 @ 0x55d…] /srv/storage/org/vid/source: moov atom not found"). Users get a sentence
// instead: these turn the raw text into a failure code and a short, clean detail. The raw text is
// logged, never stored on the video.
import type { TranscodeErrorCode } from '@reelkit/protocol';

/** Phrases that mean the source itself is broken: no retry can help. */
const DAMAGED: ReadonlyArray<[RegExp, string]> = [
  [/moov atom not found/i, 'moov atom not found'],
  [/invalid data found when processing input/i, 'invalid data found when processing input'],
  [/could not find codec parameters/i, 'could not find the codec parameters'],
  [/end of file|truncat/i, 'the file ends too early'],
  [/no decoder|decoder .* not found|unknown codec/i, 'no decoder for its video format'],
];

/** Removes paths, storage keys, addresses and ffmpeg's `[context @ 0x…]` prefixes from one line. */
export function cleanFfmpegLine(line: string): string {
  return (
    line
      .replace(/\[[^\]]*@\s*0x[0-9a-f]+\]\s*/gi, '')
      .replace(/0x[0-9a-f]+/gi, '')
      // Absolute paths (with or without a trailing colon) and relative storage keys a/b/c.
      .replace(/(?:^|\s)['"]?\/[^\s'":]+['"]?:?/g, ' ')
      .replace(/\b[\w.-]+\/[\w.-]+\/[\w./-]+:?/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/^[\s:,-]+|[\s:,-]+$/g, '')
      .trim()
  );
}

/**
 * What an ffmpeg/ffprobe failure means for the user: `storage_full` when a volume filled up,
 * `source_unreadable` (permanent) when the text says the file is damaged, else `transcode_failed`; with a detail of a few clean words.
 */
export function describeFfmpegError(stderr: string): { code: TranscodeErrorCode; detail: string } {
  // A full scratch volume is no fault of the file: `storage_full`, retried once there is room.
  if (/no space left on device|disk quota exceeded/i.test(stderr))
    return { code: 'storage_full', detail: '' };
  for (const [pattern, detail] of DAMAGED)
    if (pattern.test(stderr)) return { code: 'source_unreadable', detail };
  const last = stderr
    .split('\n')
    .map(cleanFfmpegLine)
    .filter((l) => l.length > 0)
    .at(-1);
  return { code: 'transcode_failed', detail: last ? last.slice(0, 120) : '' };
}
