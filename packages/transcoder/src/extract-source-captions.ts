// Captions from the source's text subtitle streams: ffmpeg writes each as WebVTT in the job folder,
// then the caption API's own reader (`readCaptionFile` of @reelkit/protocol) parses and sanitises
// it, and the result is left at `hls/subs/<id>.vtt` of the job folder for publishOutputs.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CaptionFormatError,
  CaptionParseError,
  captionFilePath,
  readCaptionFile,
  videoOutputKey,
  type SourceCaption,
} from '@reelkit/protocol';
import type { Logger } from 'pino';
import { buildCaptionExtractArgs } from './build-ffmpeg-args.js';
import {
  planSourceCaptions,
  type SourceCaptionPlan,
  type SourceSubtitleStream,
} from './plan-source-captions.js';
import { FfmpegError, runFfmpeg } from './run-ffmpeg.js';

/** Largest extracted WebVTT read (a film's subtitles are ~100 KiB); a bigger stream is skipped. */
export const SOURCE_CAPTION_MAX_BYTES = 8 * 1024 * 1024;

/** Folder of the job folder ffmpeg writes the raw WebVTT to (not published). */
const RAW_DIR = 'subs-raw';

export interface ExtractSourceCaptionsInput {
  /** The source file in the job folder. */
  source: string;
  /** The job folder; the captions are written to its `hls/subs/`. */
  workDir: string;
  orgId: string;
  videoId: string;
  streams: readonly SourceSubtitleStream[];
  ffmpegPath: string;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Extracts, sanitises and writes every text subtitle stream of the source; returns them as the
 * job result reports them. A stream that cannot be converted (ffmpeg fails on it, no cues, too
 * big) is skipped and logged, as are picture subtitles: captions never fail the job. One ffmpeg run
 * reads the source once for all streams; if it fails, each stream is tried alone so one broken
 * stream does not cost the others.
 */
export async function extractSourceCaptions(input: ExtractSourceCaptionsInput): Promise<SourceCaption[]> {
  const { workDir, signal, logger } = input;
  const { captions, skipped } = planSourceCaptions(input.videoId, input.streams);
  for (const s of skipped) {
    logger.info(
      { streamIndex: s.streamIndex, codec: s.codec },
      s.reason === 'bitmap'
        ? 'subtitle stream skipped: picture subtitles (PGS, DVD, DVB) cannot become text captions'
        : 'subtitle stream skipped: not a text subtitle codec ffmpeg converts to WebVTT',
    );
  }
  if (captions.length === 0) return [];
  const raw = join(workDir, RAW_DIR);
  await mkdir(raw, { recursive: true });
  const rawPath = (c: SourceCaptionPlan) => join(raw, `${c.id}.vtt`);
  const run = (plans: readonly SourceCaptionPlan[]) =>
    runFfmpeg({
      ffmpegPath: input.ffmpegPath,
      signal,
      args: buildCaptionExtractArgs({
        input: input.source,
        outputs: plans.map((c) => ({ streamIndex: c.streamIndex, output: rawPath(c) })),
      }),
    });
  const failed = new Set<SourceCaptionPlan>();
  try {
    await run(captions);
  } catch (err) {
    if (!(err instanceof FfmpegError) || signal.aborted) throw err;
    logger.warn({ err: err.message }, 'subtitle extraction failed; trying each stream alone');
    for (const c of captions) {
      await run([c]).catch((e: unknown) => {
        if (!(e instanceof FfmpegError) || signal.aborted) throw e;
        logger.warn(
          { streamIndex: c.streamIndex, codec: c.codec, err: e.message },
          'subtitle stream skipped',
        );
        failed.add(c);
      });
    }
  }
  const out: SourceCaption[] = [];
  for (const c of captions) {
    if (failed.has(c)) continue;
    const vtt = await readExtracted(rawPath(c), c, logger);
    if (!vtt) continue;
    const path = captionFilePath(c.id);
    await mkdir(join(workDir, path, '..'), { recursive: true });
    await writeFile(join(workDir, path), vtt.text);
    out.push({
      id: c.id,
      streamIndex: c.streamIndex,
      codec: c.codec,
      language: c.language,
      label: c.label,
      kind: 'subtitles',
      default: c.default,
      forced: c.forced,
      key: videoOutputKey(input.orgId, input.videoId, path),
      endMs: vtt.endMs,
    });
  }
  await rm(raw, { recursive: true, force: true });
  logger.info(
    { captions: out.map((c) => `${c.streamIndex}:${c.codec}:${c.language}${c.default ? '*' : ''}`) },
    'captions taken from the source',
  );
  return out;
}

/** The sanitised WebVTT of one extracted stream, or null (logged) when it is not usable. */
async function readExtracted(
  path: string,
  c: SourceCaptionPlan,
  logger: Logger,
): Promise<{ text: string; endMs: number } | null> {
  const where = { streamIndex: c.streamIndex, codec: c.codec };
  const size = (await stat(path).catch(() => null))?.size;
  if (size === undefined) {
    logger.warn(where, 'subtitle stream skipped: ffmpeg wrote no WebVTT for it');
    return null;
  }
  if (size > SOURCE_CAPTION_MAX_BYTES) {
    logger.warn({ ...where, size }, 'subtitle stream skipped: its WebVTT is too large');
    return null;
  }
  try {
    const parsed = readCaptionFile(await readFile(path));
    return { text: parsed.vtt, endMs: parsed.cues.reduce((end, cue) => Math.max(end, cue.endMs), 0) };
  } catch (err) {
    if (!(err instanceof CaptionParseError || err instanceof CaptionFormatError)) throw err;
    logger.warn({ ...where, err: err.message }, 'subtitle stream skipped: no usable cues');
    return null;
  }
}
