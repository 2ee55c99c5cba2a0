// The corpus table ("input, expected, got") from what a run of the corpus test measured: each
// generated source as ffprobe reads it, what must hold, and what ffprobe found on the outputs.
// `npm run corpus:report` runs the corpus test with CORPUS_REPORT set, which writes docs/corpus.md.

/** The fields of an ffprobe stream the table reports. */
export interface ProbedStream {
  codec_type: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  color_space?: string;
  color_transfer?: string;
  color_primaries?: string;
  field_order?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  channels?: number;
  channel_layout?: string;
  sample_rate?: string;
  start_time?: string;
  tags?: { language?: string; rotate?: string };
  disposition?: { default?: number };
  side_data_list?: Array<{ rotation?: number }>;
}

/** What was measured on one rung of the ladder. */
export interface RungMeasure {
  video: ProbedStream;
  /** First heard audio sample − first video frame (s), when the video has audio. */
  avStartS?: number;
}

/** One corpus clip's row, as measured by the corpus test. */
export interface CorpusRow {
  name: string;
  /** The source's streams, as ffprobe reads the generated file. */
  source: ProbedStream[];
  expected: string;
  rungs: RungMeasure[];
  /** The default audio rendition, as ffprobe reads it; undefined for a silent video. */
  audio?: ProbedStream;
  audioRenditions: number;
  storyboard: {
    columns: number;
    rows: number;
    tileWidth: number;
    tileHeight: number;
    /** Cues of its WebVTT index. */
    cues: number;
    /** Different pictures among its tiles. */
    distinct: number;
  } | null;
  /** What the clip's own test measured besides. */
  got: string;
}

/** A frame rate fraction as a number, `30000/1001` → 29.97. */
export function frameRate(r: string | undefined): number {
  const [a, b] = (r ?? '0/1').split('/').map(Number);
  return a! / (b || 1);
}

const fps = (r: string | undefined) => `${Number(frameRate(r).toFixed(3))}`;
const sar = (s: ProbedStream) => (s.sample_aspect_ratio ?? '1:1').replace('0:1', '1:1');
const colour = (s: ProbedStream) =>
  `${s.pix_fmt ?? '?'} ${s.color_primaries ?? '–'}/${s.color_transfer ?? '–'}/${s.color_space ?? '–'}`;
const unique = (xs: string[]) => [...new Set(xs)];

/** A source stream in a few words: `h264 320×180 SAR 1:1 25 fps yuv420p …, matrix −90°`. */
export function describeSourceStream(s: ProbedStream): string {
  if (s.codec_type === 'audio') {
    const lang = s.tags?.language ? ` ${s.tags.language}` : '';
    const def = s.disposition?.default ? ' default' : '';
    return `${s.codec_name} ${s.channel_layout ?? `${s.channels} ch`} ${s.sample_rate} Hz${lang}${def}`;
  }
  const rotation = s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  const field = s.field_order && s.field_order !== 'progressive' ? ` field order ${s.field_order}` : '';
  const vfr =
    s.avg_frame_rate && s.avg_frame_rate !== s.r_frame_rate ? ` (avg ${fps(s.avg_frame_rate)})` : '';
  return (
    `${s.codec_name} ${s.width}×${s.height} SAR ${sar(s)} ${fps(s.r_frame_rate)} fps${vfr} ${colour(s)}${field}` +
    (rotation !== undefined ? `, display matrix ${rotation}°` : '')
  );
}

/** The largest |A/V start difference| over the rungs, in ms with its sign; `–` without audio. */
function avStart(rungs: readonly RungMeasure[]): string {
  const diffs = rungs.flatMap((r) => (r.avStartS === undefined ? [] : [r.avStartS]));
  if (diffs.length === 0) return '–';
  const worst = diffs.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
  const frame = Math.min(...rungs.map((r) => 1 / frameRate(r.video.r_frame_rate)));
  return `${worst >= 0 ? '+' : '−'}${Math.abs(worst * 1000).toFixed(1)} ms (1 frame ${(frame * 1000).toFixed(0)} ms)`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table's columns for one row. */
export function corpusCells(row: CorpusRow): string[] {
  const rungs = row.rungs.map((r) => `${r.video.width}×${r.video.height} @${fps(r.video.r_frame_rate)}`);
  const sb = row.storyboard;
  return [
    `**${row.name}**: ${row.source.map(describeSourceStream).join('; ')}`,
    row.expected,
    `${rungs.join(', ')}; SAR ${unique(row.rungs.map((r) => sar(r.video))).join('/')}`,
    unique(row.rungs.map((r) => colour(r.video))).join('; '),
    row.audio
      ? `${row.audio.channels} ch ${row.audio.sample_rate} Hz` +
        (row.audioRenditions > 1 ? ` (${row.audioRenditions} renditions)` : '')
      : 'none',
    avStart(row.rungs),
    sb
      ? `${sb.columns}×${sb.rows} of ${sb.tileWidth}×${sb.tileHeight}, ${sb.cues} cues, ${sb.distinct} distinct`
      : 'none',
    row.got,
  ].map(cell);
}

const HEADER = [
  'input (ffprobe of the generated source)',
  'expected',
  'rungs (ffprobe: size @ fps; SAR)',
  'colour (pix_fmt primaries/transfer/matrix)',
  'default audio',
  'A/V start',
  'storyboard',
  'also measured',
];

/**
 * docs/corpus.md: the rows in the corpus' order, and a row saying so for a clip the run did not
 * measure (its test failed or did not run), so the table never shows what was not seen.
 */
export function renderCorpusReport(
  rows: readonly CorpusRow[],
  clips: ReadonlyArray<{ name: string; expected: string }>,
  run: { date: Date; ffmpeg: string; node: string },
): string {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const missing = clips.filter((c) => !byName.has(c.name));
  const lines = clips.map((c) => {
    const row = byName.get(c.name);
    const cells = row
      ? corpusCells(row)
      : [`**${c.name}**`, c.expected, ...HEADER.slice(2, -1).map(() => '–'), 'not measured: its test failed'];
    return `| ${cells.join(' | ')} |`;
  });
  return `# The real-world corpus: input, expected, got

Generated by \`npm run corpus:report\` (the corpus test, \`packages/transcoder/test/integration/corpus.test.ts\`,
with \`CORPUS_REPORT\` set) from its run of ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC
(${run.ffmpeg}, Node ${run.node}); do not edit by hand. Each source is generated with ffmpeg by
\`corpus-clips.ts\` and transcoded by the real worker process (\`ultrafast\`, 2 s segments); every column
after "expected" is what ffprobe and ffmpeg found on the outputs. The test asserts each expectation; how
the pipeline handles each shape is in [transcoding.md](transcoding.md#real-world-sources).

${rows.length} of ${clips.length} clips measured${missing.length ? `; not measured: ${missing.map((c) => c.name).join(', ')}` : ''}.
"A/V start" is the first heard audio sample (after the AAC encoder's 1024 priming samples) minus the first
video frame, the largest over the rungs. "distinct" counts the different pictures among the
storyboard's tiles; the two marker clips flash white at every whole second, which is where their
thumbnails are taken, so their tiles are alike.

| ${HEADER.join(' | ')} |
| ${HEADER.map(() => '---').join(' | ')} |
${lines.join('\n')}
`;
}
