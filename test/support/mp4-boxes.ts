// Just enough ISO BMFF reading for tests to check an fMP4 timeline: the media timescale of an init
// segment (`mdhd`) and the decode time a media segment starts at (`tfdt`).

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'moof', 'traf']);

/** The payload of the first box of `type`, searched depth-first through the container boxes. */
function findBox(buf: Uint8Array, type: string, start = 0, end = buf.length): DataView | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = start; i + 8 <= end;) {
    let size = view.getUint32(i);
    const name = String.fromCharCode(...buf.subarray(i + 4, i + 8));
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(i + 8));
      header = 16;
    }
    if (size < header || i + size > end) return null;
    if (name === type) return new DataView(buf.buffer, buf.byteOffset + i + header, size - header);
    if (CONTAINERS.has(name)) {
      const inner = findBox(buf, type, i + header, i + size);
      if (inner) return inner;
    }
    i += size;
  }
  return null;
}

/** The media timescale of the first track of an init segment (ticks per second). */
export function mediaTimescale(init: Uint8Array): number {
  const mdhd = findBox(init, 'mdhd');
  if (!mdhd) throw new Error('no mdhd box');
  // version 1: 8-byte creation and modification times; version 0: 4-byte ones.
  return mdhd.getUint32(mdhd.getUint8(0) === 1 ? 20 : 12);
}

/** The baseMediaDecodeTime of the first track fragment of a media segment, in timescale ticks. */
export function baseMediaDecodeTime(segment: Uint8Array): number {
  const tfdt = findBox(segment, 'tfdt');
  if (!tfdt) throw new Error('no tfdt box');
  return tfdt.getUint8(0) === 1 ? Number(tfdt.getBigUint64(4)) : tfdt.getUint32(4);
}
