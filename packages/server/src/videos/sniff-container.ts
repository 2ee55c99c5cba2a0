/** A media container recognised from its first bytes, with the media type we serve it as. */
export interface SniffedContainer {
  container:
    | 'mp4'
    | 'mov'
    | 'matroska'
    | 'webm'
    | 'mpegts'
    | 'mpegps'
    | 'avi'
    // Audio-only containers (an audio-only upload becomes an audio asset).
    | 'm4a'
    | 'mp3'
    | 'wav'
    | 'flac'
    | 'ogg';
  mimeType: string;
}

/** What the allow-list takes, for error messages. */
export const ACCEPTED_CONTAINERS_TEXT =
  'MP4, MOV, Matroska, WebM, MPEG-TS, MPEG-PS, AVI; audio: M4A, MP3, WAV, FLAC, Ogg';

/**
 * - `accept`: a known container;
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
/** ISO BMFF major brands of audio-only files (iTunes AAC/ALAC, audiobooks). */
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ']);

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

const FLAC = [0x66, 0x4c, 0x61, 0x43]; // fLaC
const OGG = [0x4f, 0x67, 0x67, 0x53, 0x00]; // OggS, stream structure version 0
const ID3 = [0x49, 0x44, 0x33]; // ID3v2 tag, which precedes the MPEG audio frames

/**
 * Whether 4 bytes are an MPEG audio frame header (ISO 11172-3 / 13818-3): 11-bit sync, a version
 * and layer that are not reserved (layer 00 is AAC ADTS, not MP3), a bitrate index neither free
 * (0) nor bad (15), a sampling rate index that is not reserved.
 */
function isMpegAudioFrame(h: Uint8Array): boolean {
  if (h[0] !== 0xff || (h[1]! & 0xe0) !== 0xe0) return false;
  const version = (h[1]! >> 3) & 3;
  const layer = (h[1]! >> 1) & 3;
  const bitrate = h[2]! >> 4;
  const rate = (h[2]! >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

/** FLAC, Ogg and MP3 (an ID3v2 tag or a bare frame header); `more` when too short to tell. */
function sniffAudio(head: Uint8Array): SniffedContainer | 'more' | null {
  const candidates: Array<[number[], SniffedContainer]> = [
    [FLAC, { container: 'flac', mimeType: 'audio/flac' }],
    [OGG, { container: 'ogg', mimeType: 'audio/ogg' }],
    [ID3, { container: 'mp3', mimeType: 'audio/mpeg' }],
  ];
  // Under 8 bytes an ISO BMFF box type could still turn up at offset 4: wait for it.
  if (head.length < 8) {
    const could = candidates.some(([magic]) => couldStillBe(head, magic)) || couldStillBe(head, [0xff]);
    return could ? 'more' : null;
  }
  for (const [magic, type] of candidates) if (startsWith(head, magic)) return type;
  return isMpegAudioFrame(head) ? { container: 'mp3', mimeType: 'audio/mpeg' } : null;
}

/**
 * Decides from the first bytes of an upload whether it is a container on the allow-list:
 * MP4/MOV/M4A (an ISO BMFF box type at offset 4; `M4A `/`M4B ` brands are audio), Matroska/WebM
 * (EBML magic), MPEG-TS (0x47 sync byte every 188 bytes), MPEG-PS (pack start code), AVI
 * (`RIFF....AVI `), or audio: WAV (`RIFF....WAVE`), FLAC (`fLaC`), Ogg (`OggS`) and MP3 (an ID3v2
 * tag or an MPEG audio frame header). The file name and the
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
      if (AUDIO_BRANDS.has(brand))
        return { verdict: 'accept', type: { container: 'm4a', mimeType: 'audio/mp4' } };
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
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') {
    return { verdict: 'accept', type: { container: 'wav', mimeType: 'audio/wav' } };
  }
  if (head.length < 12 && couldStillBe(head, [0x52, 0x49, 0x46, 0x46])) undecided = true;

  const audio = sniffAudio(head);
  if (audio === 'more') undecided = true;
  else if (audio) return { verdict: 'accept', type: audio };

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
