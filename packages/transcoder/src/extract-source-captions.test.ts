// The extraction with real ffmpeg on sources made here: SubRip, ASS and a hand-made PGS (picture)
// stream in Matroska, mov_text in MP4.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../../test/support/clips.js';
import { extractSourceCaptions } from './extract-source-captions.js';
import { sourceCaptionId } from './plan-source-captions.js';
import { probeSource } from './probe.js';

const ORG = '65a0c0ffee00000000000001';
const VIDEO = '65a0c0ffee00000000000002';
const SRT = `1
00:00:02,000 --> 00:00:04,500
Hello <script>alert(1)</script><b>bold</b>

2
00:00:05,000 --> 00:00:06,000
{\\an8}On top
`;

/** A PGS (.sup) stream of two empty display sets: enough for ffmpeg to mux a picture subtitle. */
function pgsStream(): Buffer {
  const segment = (pts: number, type: number, data: Buffer) => {
    const head = Buffer.alloc(13);
    head.write('PG', 0, 'latin1');
    head.writeUInt32BE(pts, 2);
    head.writeUInt8(type, 10);
    head.writeUInt16BE(data.length, 11);
    return Buffer.concat([head, data]);
  };
  // Presentation composition: 320×240, 25 fps, composition n, epoch start, no objects.
  const pcs = (n: number) => Buffer.from([0x01, 0x40, 0x00, 0xf0, 0x10, 0x00, n, 0x80, 0x00, 0x00, 0x00]);
  return Buffer.concat([
    segment(180_000, 0x16, pcs(0)),
    segment(180_000, 0x80, Buffer.alloc(0)),
    segment(360_000, 0x16, pcs(1)),
    segment(360_000, 0x80, Buffer.alloc(0)),
  ]);
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

let dir: string;
const video = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=7'];
const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelkit-subs-'));
  await writeFile(join(dir, 'a.srt'), SRT);
  await writeFile(join(dir, 'p.sup'), pgsStream());
  await runFfmpeg(['-y', '-i', join(dir, 'a.srt'), join(dir, 'a.ass')]);
  await Promise.all([
    runFfmpeg([
      '-y',
      ...video,
      ...['-i', join(dir, 'a.srt'), '-i', join(dir, 'a.ass'), '-i', join(dir, 'p.sup')],
      ...['-map', '0:v', '-map', '1', '-map', '2', '-map', '3', ...h264],
      ...['-c:s:0', 'srt', '-c:s:1', 'ass', '-c:s:2', 'copy'],
      ...['-metadata:s:s:0', 'language=eng', '-metadata:s:s:0', 'title=English SDH'],
      ...['-metadata:s:s:1', 'language=fre', '-disposition:s:0', 'default', '-disposition:s:1', 'forced'],
      join(dir, 'subs.mkv'),
    ]),
    runFfmpeg([
      '-y',
      ...video,
      ...['-i', join(dir, 'a.srt'), '-map', '0:v', '-map', '1', ...h264, '-c:s', 'mov_text'],
      ...['-metadata:s:s:0', 'language=ger'],
      join(dir, 'mov-text.mp4'),
    ]),
  ]);
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

async function extract(file: string, work: string) {
  const info = await probeSource(join(dir, file), { ffprobePath: 'ffprobe' });
  const { logger, lines } = capturingLogger();
  const captions = await extractSourceCaptions({
    source: join(dir, file),
    workDir: join(dir, work),
    orgId: ORG,
    videoId: VIDEO,
    streams: info.subtitleStreams,
    ffmpegPath: 'ffmpeg',
    signal: new AbortController().signal,
    logger,
  });
  const vtt = (id: string) => readFile(join(dir, work, 'hls', 'subs', `${id}.vtt`), 'utf8');
  return { captions, lines, vtt };
}

describe('extractSourceCaptions (real ffmpeg)', () => {
  it('SubRip and ASS in Matroska become sanitised WebVTT captions with their tags; PGS is skipped and logged', async () => {
    const { captions, lines, vtt } = await extract('subs.mkv', 'mkv');
    expect(captions).toEqual([
      {
        id: sourceCaptionId(VIDEO, 1),
        streamIndex: 1,
        codec: 'subrip',
        language: 'en',
        label: 'English SDH',
        kind: 'subtitles',
        default: true,
        forced: false,
        key: `${ORG}/${VIDEO}/hls/subs/${sourceCaptionId(VIDEO, 1)}.vtt`,
        endMs: 6000,
      },
      expect.objectContaining({ streamIndex: 2, codec: 'ass', language: 'fr', label: 'French (forced)' }),
    ]);
    expect(captions[1]).toMatchObject({ default: false, forced: true, endMs: 6000 });
    for (const c of captions) {
      const text = await vtt(c.id);
      expect(text.split('\n').slice(0, 2)).toEqual(['WEBVTT', 'X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000']);
      expect(text).toContain('00:00:02.000 --> 00:00:04.500');
      expect(text).not.toMatch(/<script|\{\\an8\}/);
      expect(text).toContain('<b>bold</b>');
      expect(text).toContain('On top');
    }
    expect(lines).toContainEqual(
      expect.objectContaining({
        streamIndex: 3,
        codec: 'hdmv_pgs_subtitle',
        msg: expect.stringMatching(/skipped: picture subtitles/),
      }),
    );
  });

  it('mov_text in MP4 becomes a caption (its track “enabled” flag does not make it the default)', async () => {
    const { captions, vtt } = await extract('mov-text.mp4', 'mp4');
    expect(captions).toEqual([
      expect.objectContaining({ codec: 'mov_text', language: 'de', label: 'German', default: false }),
    ]);
    const text = await vtt(captions[0]!.id);
    expect(text).toContain('00:00:05.000 --> 00:00:06.000\nOn top');
    expect(text).toContain('<b>bold</b>');
  });
});
