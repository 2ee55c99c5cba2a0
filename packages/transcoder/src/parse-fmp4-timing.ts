// Timing of fragmented MP4 (ISO/IEC 14496-12), as much as a media playlist needs: each track's
// timescale from an init segment, and from a fragment's `moof` where its samples start and how
// long they last. Pure: bytes in, numbers out; anything malformed or truncated throws an
// Fmp4TimingError. Nothing here loops on a length field without moving forward.

/** Bytes that are not the fMP4 this module expects (malformed, truncated or missing boxes). */
export class Fmp4TimingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Fmp4TimingError';
  }
}

/** One box: its four-character type and where its payload lies in the buffer it was read from. */
export interface Box {
  type: string;
  /** Offset of the box's first byte (its size field). */
  start: number;
  /** Offset of the payload (after the size, type and any 64-bit size). */
  payload: number;
  /** Offset just past the box. */
  end: number;
}

/** Size of the largest box header: 32-bit size, type, 64-bit size. */
export const MAX_BOX_HEADER = 16;

/**
 * The header of the box at `offset`, given at least its first bytes. `available` is how many bytes
 * the container holds from `offset` on (a file's remaining length), so a box that claims more is
 * reported as truncated. A size of 0 (box runs to the end) is taken as `available`.
 */
export function readBoxHeader(bytes: Uint8Array, offset: number, available: number): Box {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (available < 8 || bytes.byteLength - offset < 8)
    throw new Fmp4TimingError(`truncated box header at byte ${offset}`);
  const size32 = view.getUint32(offset);
  const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
  let size: number;
  let headerSize = 8;
  if (size32 === 1) {
    if (available < 16 || bytes.byteLength - offset < 16)
      throw new Fmp4TimingError(`truncated 64-bit size of box '${type}' at byte ${offset}`);
    const big = view.getBigUint64(offset + 8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER))
      throw new Fmp4TimingError(`box '${type}' at byte ${offset} is too large`);
    size = Number(big);
    headerSize = 16;
  } else if (size32 === 0) {
    size = available;
  } else {
    size = size32;
  }
  if (size < headerSize)
    throw new Fmp4TimingError(`box '${type}' at byte ${offset} has an impossible size ${size}`);
  if (size > available)
    throw new Fmp4TimingError(`box '${type}' at byte ${offset} is truncated (${size} > ${available})`);
  return { type, start: offset, payload: offset + headerSize, end: offset + size };
}

/** The boxes directly inside `bytes[from, to)`. */
export function childBoxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at < to) {
    const box = readBoxHeader(bytes, at, to - at);
    boxes.push(box);
    at = box.end; // > at: a box is at least its 8-byte header
  }
  return boxes;
}

const only = (boxes: Box[], type: string, where: string): Box => {
  const found = boxes.find((b) => b.type === type);
  if (!found) throw new Fmp4TimingError(`no '${type}' box in ${where}`);
  return found;
};

/** A reader of a box's payload that throws instead of reading past its end. */
class PayloadReader {
  private readonly view: DataView;
  private at: number;

  constructor(
    bytes: Uint8Array,
    private readonly box: Box,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = box.payload;
  }

  private need(n: number): number {
    if (this.at + n > this.box.end) throw new Fmp4TimingError(`'${this.box.type}' box is truncated`);
    const at = this.at;
    this.at += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }

  u24(): number {
    const at = this.need(3);
    return (this.view.getUint8(at) << 16) | this.view.getUint16(at + 1);
  }

  u32(): number {
    return this.view.getUint32(this.need(4));
  }

  u64(): number {
    const big = this.view.getBigUint64(this.need(8));
    if (big > BigInt(Number.MAX_SAFE_INTEGER))
      throw new Fmp4TimingError(`'${this.box.type}' holds a 64-bit value too large to use`);
    return Number(big);
  }

  skip(n: number): void {
    this.need(n);
  }

  /** Version and flags of a full box. */
  fullBox(): { version: number; flags: number } {
    return { version: this.u8(), flags: this.u24() };
  }
}

/** What an init segment says of one track. */
export interface TrackTiming {
  trackId: number;
  /** Units per second of the track's media time (`mdhd`). */
  timescale: number;
  /** `trex` default-sample-duration, used when neither `tfhd` nor `trun` gives one. */
  defaultSampleDuration: number | null;
}

/** Every track of an init segment (`moov`), with its timescale and `trex` default. */
export function parseInitTiming(init: Uint8Array): TrackTiming[] {
  const top = childBoxes(init, 0, init.byteLength);
  const moov = only(top, 'moov', 'the init segment');
  const inMoov = childBoxes(init, moov.payload, moov.end);
  const defaults = new Map<number, number>();
  const mvex = inMoov.find((b) => b.type === 'mvex');
  if (mvex) {
    for (const trex of childBoxes(init, mvex.payload, mvex.end).filter((b) => b.type === 'trex')) {
      const r = new PayloadReader(init, trex);
      r.fullBox();
      const trackId = r.u32();
      r.u32(); // default_sample_description_index
      defaults.set(trackId, r.u32());
    }
  }
  const tracks = inMoov
    .filter((b) => b.type === 'trak')
    .map((trak): TrackTiming => {
      const inTrak = childBoxes(init, trak.payload, trak.end);
      const tkhd = new PayloadReader(init, only(inTrak, 'tkhd', "a 'trak'"));
      const { version: tv } = tkhd.fullBox();
      tkhd.skip(tv === 1 ? 16 : 8); // creation and modification times
      const trackId = tkhd.u32();
      const mdia = only(inTrak, 'mdia', "a 'trak'");
      const mdhd = new PayloadReader(
        init,
        only(childBoxes(init, mdia.payload, mdia.end), 'mdhd', "a 'mdia'"),
      );
      const { version: mv } = mdhd.fullBox();
      mdhd.skip(mv === 1 ? 16 : 8);
      const timescale = mdhd.u32();
      if (timescale === 0) throw new Fmp4TimingError(`track ${trackId} has a timescale of 0`);
      return { trackId, timescale, defaultSampleDuration: defaults.get(trackId) ?? null };
    });
  if (tracks.length === 0) throw new Fmp4TimingError("no 'trak' box in the init segment");
  return tracks;
}

/** Where one track's samples in a fragment start and how long they last, in its timescale. */
export interface FragmentTiming {
  trackId: number;
  /** `tfdt` baseMediaDecodeTime: decode time of the fragment's first sample. */
  baseMediaDecodeTime: number;
  /** Sum of the fragment's sample durations. */
  duration: number;
  samples: number;
}

// tfhd flags
const BASE_DATA_OFFSET = 0x1;
const SAMPLE_DESCRIPTION_INDEX = 0x2;
const DEFAULT_SAMPLE_DURATION = 0x8;
// trun flags
const DATA_OFFSET = 0x1;
const FIRST_SAMPLE_FLAGS = 0x4;
const SAMPLE_DURATION = 0x100;
const SAMPLE_SIZE = 0x200;
const SAMPLE_FLAGS = 0x400;
const SAMPLE_COMPOSITION_OFFSET = 0x800;

/**
 * The timing of each track fragment (`traf`) of one `moof` box, whose bytes are `moof` (the whole
 * box, header included). Sample durations come from `trun`, else `tfhd`'s default, else the
 * init segment's `trex` default; a `traf` without `tfdt` or any of them throws.
 */
export function parseMoofTiming(moof: Uint8Array, tracks: readonly TrackTiming[]): FragmentTiming[] {
  const box = readBoxHeader(moof, 0, moof.byteLength);
  if (box.type !== 'moof') throw new Fmp4TimingError(`expected a 'moof' box, found '${box.type}'`);
  const trafs = childBoxes(moof, box.payload, box.end).filter((b) => b.type === 'traf');
  if (trafs.length === 0) throw new Fmp4TimingError("no 'traf' box in a 'moof'");
  return trafs.map((traf) => {
    const inTraf = childBoxes(moof, traf.payload, traf.end);
    const tfhd = new PayloadReader(moof, only(inTraf, 'tfhd', "a 'traf'"));
    const { flags: hf } = tfhd.fullBox();
    const trackId = tfhd.u32();
    if (hf & BASE_DATA_OFFSET) tfhd.skip(8);
    if (hf & SAMPLE_DESCRIPTION_INDEX) tfhd.skip(4);
    const track = tracks.find((t) => t.trackId === trackId);
    if (!track) throw new Fmp4TimingError(`a fragment of track ${trackId}, which the init segment lacks`);
    const fallback = hf & DEFAULT_SAMPLE_DURATION ? tfhd.u32() : track.defaultSampleDuration;

    const tfdt = new PayloadReader(moof, only(inTraf, 'tfdt', "a 'traf'"));
    const { version: dv } = tfdt.fullBox();
    const baseMediaDecodeTime = dv === 1 ? tfdt.u64() : tfdt.u32();

    let duration = 0;
    let samples = 0;
    for (const trunBox of inTraf.filter((b) => b.type === 'trun')) {
      const trun = new PayloadReader(moof, trunBox);
      const { flags } = trun.fullBox();
      const count = trun.u32();
      if (flags & DATA_OFFSET) trun.skip(4);
      if (flags & FIRST_SAMPLE_FLAGS) trun.skip(4);
      const perSample =
        4 *
        [SAMPLE_DURATION, SAMPLE_SIZE, SAMPLE_FLAGS, SAMPLE_COMPOSITION_OFFSET].filter((f) => flags & f)
          .length;
      // Checked before the loop: a huge count in a short box fails here, not after a long loop.
      if (count * perSample > trunBox.end - trunBox.payload)
        throw new Fmp4TimingError(`'trun' box is truncated (${count} samples announced)`);
      if (flags & SAMPLE_DURATION) {
        for (let i = 0; i < count; i++) {
          duration += trun.u32();
          trun.skip(perSample - 4);
        }
      } else {
        if (fallback === null)
          throw new Fmp4TimingError(`track ${trackId}'s samples have no duration (trun, tfhd or trex)`);
        duration += count * fallback;
      }
      samples += count;
    }
    if (!Number.isSafeInteger(duration))
      throw new Fmp4TimingError(`track ${trackId}'s fragment lasts longer than can be counted`);
    return { trackId, baseMediaDecodeTime, duration, samples };
  });
}
