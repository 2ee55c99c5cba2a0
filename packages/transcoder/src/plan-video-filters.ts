// The picture side of a transcode as filter text and colour tags: deinterlacing, the constant
// output rate, HDR tonemapping to BT.709, explicit colour tags. Rotation is not here: ffmpeg's autorotate (on by
// default) turns the decoded frames upright before our graph sees them, so it is applied once.
import type { HdrTransfer } from '@reelkit/protocol';
import type { SourceColour } from './to-video-metadata.js';

/** What the filters need to know about the source picture. */
export interface VideoFilterInput {
  /** Field order of an interlaced source, or `null` for progressive. */
  deinterlace: 'tff' | 'bff' | null;
  hdr: HdrTransfer | null;
  colour: SourceColour;
  /** Stored frame height: untagged SD sources are BT.601, HD ones BT.709. */
  codedHeight: number;
}

/** Tallest frame treated as standard definition (576 lines: PAL). */
const SD_MAX_HEIGHT = 576;

/** Colour tags of the outputs, as ffmpeg names them. */
export interface OutputColour {
  primaries: string;
  transfer: string;
  matrix: string;
}

const BT709: OutputColour = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709' };
const BT601_525: OutputColour = { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m' };
const BT601_625: OutputColour = { primaries: 'bt470bg', transfer: 'smpte170m', matrix: 'bt470bg' };

/** SDR tags we pass through as they are. */
const SDR_PRIMARIES = new Set(['bt709', 'smpte170m', 'bt470bg']);
const SDR_TRANSFERS = new Set(['bt709', 'smpte170m', 'bt470bg', 'gamma22', 'gamma28']);
const SDR_MATRICES = new Set(['bt709', 'smpte170m', 'bt470bg']);

/**
 * What every output is tagged as. HDR is tonemapped to BT.709. An SDR source keeps the tags it
 * has (its pixels are not converted, so the tags must stay true to them); what it lacks is filled
 * in as players assume: BT.601 for SD (625-line primaries at 576 lines), BT.709 above.
 */
export function outputColour(input: VideoFilterInput): OutputColour {
  if (input.hdr) return BT709;
  const fallback =
    input.codedHeight > SD_MAX_HEIGHT ? BT709 : input.codedHeight === SD_MAX_HEIGHT ? BT601_625 : BT601_525;
  const { primaries, transfer, matrix } = input.colour;
  return {
    primaries: primaries && SDR_PRIMARIES.has(primaries) ? primaries : fallback.primaries,
    transfer: transfer && SDR_TRANSFERS.has(transfer) ? transfer : fallback.transfer,
    matrix: matrix && SDR_MATRICES.has(matrix) ? matrix : fallback.matrix,
  };
}

/** Encoder options tagging a stream with {@link outputColour}, limited range. */
export function colourTagArgs(input: VideoFilterInput): string[] {
  const c = outputColour(input);
  return [
    '-color_primaries',
    c.primaries,
    '-color_trc',
    c.transfer,
    '-colorspace',
    c.matrix,
    '-color_range',
    'tv',
  ];
}

/** HDR → SDR BT.709 8-bit with zscale + tonemap (Hable curve, no desaturation). */
function tonemapChain(hdr: HdrTransfer, colour: SourceColour): string[] {
  const tin = hdr === 'pq' ? 'smpte2084' : 'arib-std-b67';
  // HDR is BT.2020 in practice; say so where the stream does not.
  const pin = colour.primaries === 'bt709' ? '709' : '2020';
  const min = colour.matrix === 'bt709' ? '709' : '2020_ncl';
  return [
    `zscale=tin=${tin}:pin=${pin}:min=${min}:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=709',
    'tonemap=tonemap=hable:desat=0',
    'zscale=t=709:m=709:r=tv',
  ];
}

/**
 * Filters run once on the decoded source before it is split into rungs: deinterlace (`bwdif`,
 * one frame per frame), a constant rate of `fps` starting at 0 (so a late first frame is held
 * from the start, as the audio is padded; `null` for a single picture), tonemapping, then 8-bit
 * 4:2:0.
 */
export function sourceFilters(input: VideoFilterInput, fps: number | null): string[] {
  const out: string[] = [];
  if (input.deinterlace) out.push(`bwdif=mode=send_frame:parity=${input.deinterlace}:deint=all`);
  if (fps !== null) out.push(`fps=fps=${fps}:start_time=0`);
  if (input.hdr) out.push(...tonemapChain(input.hdr, input.colour));
  out.push('format=yuv420p');
  return out;
}

/**
 * Scales to one rung: square pixels, limited range. The matrix is left alone (a yuv→yuv matrix
 * change in swscale leaves line artefacts that read as combing), hence {@link outputColour}.
 */
export function scaleFilter(input: VideoFilterInput, width: number, height: number): string {
  const fullRange = !input.hdr && input.colour.range === 'pc';
  return `scale=${width}:${height}:flags=bicubic${fullRange ? ':in_range=pc:out_range=tv' : ''},setsar=1`;
}
