import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffContainer } from './sniff-container.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

function ts(packets: number): Buffer {
  const b = Buffer.alloc(188 * packets, 0xff);
  for (let i = 0; i < packets; i++) b[i * 188] = 0x47;
  return b;
}

describe('sniffContainer', () => {
  it.each([
    ['MP4 ftyp isom', bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]), 'mp4', 'video/mp4'],
    ['MOV ftyp qt', bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 0, 0]), 'mov', 'video/quicktime'],
    ['old QuickTime moov first', bytes([0, 0, 0, 8], 'moov'), 'mp4', 'video/mp4'],
    ['QuickTime wide', bytes([0, 0, 0, 8], 'wide'), 'mp4', 'video/mp4'],
    ['mdat first', bytes([0, 0, 0, 8], 'mdat'), 'mp4', 'video/mp4'],
    ['free first', bytes([0, 0, 0, 8], 'free'), 'mp4', 'video/mp4'],
    [
      'Matroska',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'),
      'matroska',
      'video/x-matroska',
    ],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'webm', 'video/webm'],
    ['MPEG-PS', bytes([0, 0, 1, 0xba, 0x44]), 'mpegps', 'video/mpeg'],
    ['AVI', bytes('RIFF', [1, 2, 3, 4], 'AVI LIST'), 'avi', 'video/x-msvideo'],
    ['MPEG-TS', ts(4), 'mpegts', 'video/mp2t'],
    ['M4A (ftyp M4A)', bytes([0, 0, 0, 0x20], 'ftypM4A ', [0, 0, 2, 0]), 'm4a', 'audio/mp4'],
    ['WAV', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'wav', 'audio/wav'],
    ['FLAC', bytes('fLaC', [0, 0, 0, 0x22, 0x10, 0]), 'flac', 'audio/flac'],
    ['Ogg', bytes('OggS', [0, 2, 0, 0, 0, 0]), 'ogg', 'audio/ogg'],
    ['MP3 with an ID3v2 tag', bytes('ID3', [4, 0, 0, 0, 0, 0, 0x23]), 'mp3', 'audio/mpeg'],
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz.
    ['MP3 frame without a tag', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]), 'mp3', 'audio/mpeg'],
  ])('accepts %s', (_name, head, container, mimeType) => {
    expect(sniffContainer(head, true)).toEqual({ verdict: 'accept', type: { container, mimeType } });
  });

  it.each([
    ['HTML', bytes('<!DOCTYPE html><html><body>hello</body></html>')],
    ['RIFF that is neither AVI nor WAVE', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['AAC ADTS (layer 00: not MP3)', bytes([0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0])],
    ['an MPEG audio header with a bad bitrate', bytes([0xff, 0xfb, 0xf0, 0x64, 0, 0, 0, 0])],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])],
    ['a TS-looking file whose second packet has no sync byte', Buffer.concat([ts(1), Buffer.alloc(400, 0)])],
    ['ZIP', bytes('PK', [3, 4], 'abcdefghijklmnop')],
  ])('rejects %s', (_name, head) => {
    expect(sniffContainer(head, true)).toEqual({ verdict: 'reject' });
  });

  it('asks for more bytes when the head is too short to tell, and rejects it when that is all', () => {
    expect(sniffContainer(ts(2)).verdict).toBe('more');
    expect(sniffContainer(ts(2), true).verdict).toBe('reject');
    expect(sniffContainer(bytes([0, 0, 0])).verdict).toBe('more');
    expect(sniffContainer(new Uint8Array(0)).verdict).toBe('more');
    expect(sniffContainer(new Uint8Array(0), true).verdict).toBe('reject');
    // MP4 vs MOV is told by the brand after `ftyp`; Matroska vs WebM by the DocType.
    expect(sniffContainer(bytes([0, 0, 0, 0x14], 'ftyp')).verdict).toBe('more');
    expect(sniffContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f])).verdict).toBe('more');
  });

  it('decides within SNIFF_BYTES for any input, and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: SNIFF_BYTES + 50 }), (head) => {
        const r = sniffContainer(head);
        if (head.length >= SNIFF_BYTES) expect(r.verdict).not.toBe('more');
        expect(sniffContainer(head, true).verdict).not.toBe('more');
      }),
    );
  });

  it('a verdict on a prefix does not change when more bytes arrive', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: SNIFF_BYTES, maxLength: SNIFF_BYTES + 20 }),
        fc.nat(),
        (head, cut) => {
          const prefix = head.subarray(0, cut % head.length);
          const early = sniffContainer(prefix);
          if (early.verdict !== 'more') expect(sniffContainer(head)).toEqual(early);
        },
      ),
    );
  });
});
