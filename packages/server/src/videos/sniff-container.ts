/** A video container recognised from its first bytes, with the media type we serve it as. */
export interface SniffedContainer {
  container: 'mp4' | 'mov' | 'matroska' | 'webm' | 'mpegts' | 'mpegps' | 'avi';
  mimeType: string;
}

/**
 * - `accept`: a known video container;
 * - `reject`: certainly not one;
 * - `more`: too few bytes to tell (only returned when `final` is false).
 */
export type SniffResult =
  { verdict: 'accept'; type: SniffedContainer } | { verdict: 'reject' } | { verdict: 'more' };

const TS_PACKET = 188;
const TS_PACKETS_CHECKED = 4;
/** Bytes it takes to decide for every container on the allow-list. */
export const SNIFF_BYTES = TS_PACKET * (TS_PACKETS_CHECKED - 1) + 1;

const ISO_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip']);
const EBML = [0x1a, 0x45, 0xdf, 0xa3];
const EBML_WINDOW = 64;
const PACK_START = [0x00, 0x00, 0x01, 0xba];

function startsWith(head: Uint8Array, bytes: number[], at = 0): boolean {
  return bytes.every((b, i) => head[at + i] === b);
}

function ascii(head: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...head.subarray(from, to));
}

/** A prefix check that can still match when more bytes arrive. */
function couldStillBe(head: Uint8Array, bytes: number[], at = 0): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (at + i >= head.length) return true;
    if (head[at + i] !== bytes[i]) return false;
  }
  return true;
}

/**
 * Decides from the first bytes of an upload whether it is a video container on the allow-list:
 * MP4/MOV (an ISO BMFF box type at offset 4), Matroska/WebM (EBML magic), MPEG-TS (0x47 sync byte
 * every 188 bytes), MPEG-PS (pack start code) or AVI (`RIFF....AVI `). The file name and the
 * declared type are never consulted. Pure.
 */
export function sniffContainer(head: Uint8Array, final = false): SniffResult {
  const more: SniffResult = final ? { verdict: 'reject' } : { verdict: 'more' };
  let undecided = false;

  if (head.length >= 8) {
    const box = ascii(head, 4, 8);
    if (ISO_BOXES.has(box)) {
      if (box === 'ftyp' && head.length < 12 && !final) return { verdict: 'more' };
      const brand = box === 'ftyp' && head.length >= 12 ? ascii(head, 8, 12) : '';
      return brand === 'qt  '
        ? { verdict: 'accept', type: { container: 'mov', mimeType: 'video/quicktime' } }
        : { verdict: 'accept', type: { container: 'mp4', mimeType: 'video/mp4' } };
    }
  } else undecided = true;

  if (startsWith(head, EBML)) {
    // The EBML header names its DocType near the start; WebM says "webm".
    if (head.length < EBML_WINDOW && !final) return { verdict: 'more' };
    const window = ascii(head, 0, Math.min(head.length, EBML_WINDOW));
    return window.includes('webm')
      ? { verdict: 'accept', type: { container: 'webm', mimeType: 'video/webm' } }
      : { verdict: 'accept', type: { container: 'matroska', mimeType: 'video/x-matroska' } };
  }
  if (couldStillBe(head, EBML) && head.length < EBML.length) undecided = true;

  if (startsWith(head, PACK_START)) {
    return { verdict: 'accept', type: { container: 'mpegps', mimeType: 'video/mpeg' } };
  }
  if (couldStillBe(head, PACK_START) && head.length < PACK_START.length) undecided = true;

  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'AVI ') {
    return { verdict: 'accept', type: { container: 'avi', mimeType: 'video/x-msvideo' } };
  }
  if (head.length < 12 && couldStillBe(head, [0x52, 0x49, 0x46, 0x46])) undecided = true;

  if (head[0] === 0x47 || head.length === 0) {
    let syncs = 0;
    for (let i = 0; i < TS_PACKETS_CHECKED; i++) {
      const at = i * TS_PACKET;
      if (at >= head.length) break;
      if (head[at] !== 0x47) {
        syncs = -1;
        break;
      }
      syncs++;
    }
    if (syncs === TS_PACKETS_CHECKED) {
      return { verdict: 'accept', type: { container: 'mpegts', mimeType: 'video/mp2t' } };
    }
    if (syncs >= 0) undecided = true;
  }

  return undecided ? more : { verdict: 'reject' };
}
