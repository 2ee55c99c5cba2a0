// The fMP4 timing parser on boxes built here byte by byte (every flag combination ffmpeg and others
// use, and broken ones); write-media-playlist.test.ts runs it on real ffmpeg output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fmp4TimingError, childBoxes, parseInitTiming, parseMoofTiming } from './parse-fmp4-timing.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const box = (type: string, ...parts: Buffer[]) => {
  const payload = Buffer.concat(parts);
  return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
};
/** A box with a 64-bit size field (size32 = 1). */
const largeBox = (type: string, ...parts: Buffer[]) => {
  const payload = Buffer.concat(parts);
  return Buffer.concat([u32(1), Buffer.from(type, 'latin1'), u64(16 + payload.length), payload]);
};
const full = (version: number, flags: number) => u32((version << 24) | flags);

function trak(trackId: number, timescale: number, version = 0): Buffer {
  const times = Buffer.alloc(version === 1 ? 16 : 8);
  const tkhd = box('tkhd', full(version, 7), times, u32(trackId), Buffer.alloc(60));
  const mdhd = box('mdhd', full(version, 0), times, u32(timescale), u32(0), Buffer.alloc(4));
  return box('trak', tkhd, box('mdia', mdhd, box('hdlr', Buffer.alloc(24))));
}
const trex = (trackId: number, duration: number) =>
  box('trex', full(0, 0), u32(trackId), u32(1), u32(duration), u32(0), u32(0));
const init = (...moovChildren: Buffer[]) =>
  Buffer.concat([
    box('ftyp', Buffer.from('iso6')),
    box('moov', box('mvhd', Buffer.alloc(100)), ...moovChildren),
  ]);

interface TrafSpec {
  trackId: number;
  base: number;
  tfdtVersion?: 0 | 1;
  /** tfhd default-sample-duration, when set. */
  defaultDuration?: number;
  /** Extra tfhd fields (base-data-offset, sample-description-index). */
  tfhdExtras?: boolean;
  /** Per-sample durations (trun flag 0x100), or a count of samples without durations. */
  samples: number[] | number;
  /** Also per-sample size, flags and composition offset, and a data offset and first-sample flags. */
  allFields?: boolean;
}

function traf(t: TrafSpec): Buffer {
  let hf = 0x20000; // default-base-is-moof
  const hfields: Buffer[] = [];
  if (t.tfhdExtras) {
    hf |= 0x1 | 0x2;
    hfields.push(u64(1234), u32(1));
  }
  if (t.defaultDuration !== undefined) {
    hf |= 0x8;
    hfields.push(u32(t.defaultDuration));
  }
  const tfhd = box('tfhd', full(0, hf), u32(t.trackId), ...hfields);
  const tfdt =
    t.tfdtVersion === 0 ? box('tfdt', full(0, 0), u32(t.base)) : box('tfdt', full(1, 0), u64(t.base));
  const durations = Array.isArray(t.samples) ? t.samples : null;
  const count = durations ? durations.length : (t.samples as number);
  let tf = durations ? 0x100 : 0;
  const head: Buffer[] = [];
  if (t.allFields) {
    tf |= 0x1 | 0x4 | 0x200 | 0x400 | 0x800;
    head.push(u32(100), u32(0x2000000));
  }
  const rows: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (durations) rows.push(u32(durations[i]!));
    if (t.allFields) rows.push(u32(500), u32(0x10000), u32(1024));
  }
  const trun = box('trun', full(0, tf), u32(count), ...head, ...rows);
  return box('traf', tfhd, tfdt, trun);
}
const moof = (...trafs: Buffer[]) => box('moof', box('mfhd', full(0, 0), u32(1)), ...trafs);

describe('parseInitTiming', () => {
  it("reads each track's id and mdhd timescale, and the trex default duration", () => {
    const tracks = parseInitTiming(init(trak(1, 12800), trak(2, 48000, 1), box('mvex', trex(2, 1024))));
    expect(tracks).toEqual([
      { trackId: 1, timescale: 12800, defaultSampleDuration: null },
      { trackId: 2, timescale: 48000, defaultSampleDuration: 1024 },
    ]);
  });

  it('rejects an init segment without moov, without trak, with a zero timescale or cut short', () => {
    expect(() => parseInitTiming(box('ftyp', Buffer.from('iso6')))).toThrow(/no 'moov'/);
    expect(() => parseInitTiming(init())).toThrow(/no 'trak'/);
    expect(() => parseInitTiming(init(trak(1, 0)))).toThrow(/timescale of 0/);
    const whole = init(trak(1, 90000));
    for (const cut of [3, 12, whole.length - 30, whole.length - 1])
      expect(() => parseInitTiming(whole.subarray(0, cut))).toThrow(Fmp4TimingError);
  });
});

describe('parseMoofTiming', () => {
  const tracks = [
    { trackId: 1, timescale: 12800, defaultSampleDuration: null },
    { trackId: 2, timescale: 48000, defaultSampleDuration: 1024 },
  ];

  it('sums per-sample durations from trun, with every optional field present', () => {
    const m = moof(
      traf({ trackId: 1, base: 51200, samples: [512, 512, 256], allFields: true, tfhdExtras: true }),
    );
    expect(parseMoofTiming(m, tracks)).toEqual([
      { trackId: 1, baseMediaDecodeTime: 51200, duration: 1280, samples: 3 },
    ]);
  });

  it("uses tfhd's default sample duration, then trex's, when trun has none", () => {
    const m = moof(
      traf({ trackId: 1, base: 0, tfdtVersion: 0, defaultDuration: 512, samples: 100 }),
      traf({ trackId: 2, base: 2 ** 40, samples: 188 }),
    );
    expect(parseMoofTiming(m, tracks)).toEqual([
      { trackId: 1, baseMediaDecodeTime: 0, duration: 51200, samples: 100 },
      { trackId: 2, baseMediaDecodeTime: 2 ** 40, duration: 188 * 1024, samples: 188 },
    ]);
  });

  it('reads a moof with a 64-bit size field', () => {
    const m = largeBox('moof', traf({ trackId: 1, base: 7, samples: [1, 2, 3] }));
    expect(parseMoofTiming(m, tracks)[0]).toMatchObject({ baseMediaDecodeTime: 7, duration: 6 });
  });

  it('says why it cannot time a fragment: no duration anywhere, an unknown track, no tfdt', () => {
    const noDefault = [{ trackId: 1, timescale: 12800, defaultSampleDuration: null }];
    expect(() => parseMoofTiming(moof(traf({ trackId: 1, base: 0, samples: 5 })), noDefault)).toThrow(
      /no duration/,
    );
    expect(() => parseMoofTiming(moof(traf({ trackId: 9, base: 0, samples: [1] })), tracks)).toThrow(
      /track 9/,
    );
    const withoutTfdt = box(
      'moof',
      box('traf', box('tfhd', full(0, 0), u32(1)), box('trun', full(0, 0), u32(0))),
    );
    expect(() => parseMoofTiming(withoutTfdt, tracks)).toThrow(/no 'tfdt'/);
    expect(() => parseMoofTiming(box('mdat', Buffer.alloc(4)), tracks)).toThrow(/expected a 'moof'/);
    expect(() => parseMoofTiming(moof(), tracks)).toThrow(/no 'traf'/);
  });

  it('fails at once on a trun announcing more samples than it holds (no long loop)', () => {
    const lying = box(
      'moof',
      box(
        'traf',
        box('tfhd', full(0, 0), u32(1)),
        box('tfdt', full(0, 0), u32(0)),
        box('trun', full(0, 0x100), u32(0xffffffff), u32(512)),
      ),
    );
    const started = Date.now();
    expect(() => parseMoofTiming(lying, tracks)).toThrow(/truncated/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects boxes whose size is below their header or past their container', () => {
    const zero = Buffer.concat([u32(4), Buffer.from('moof')]);
    expect(() => parseMoofTiming(zero, tracks)).toThrow(/impossible size/);
    const m = moof(traf({ trackId: 1, base: 0, samples: [1] }));
    m.writeUInt32BE(m.length + 1, 0);
    expect(() => parseMoofTiming(m, tracks)).toThrow(/truncated/);
  });

  it('throws an Fmp4TimingError, never anything else and never hangs, on any cut or corruption', () => {
    const whole = moof(
      traf({ trackId: 1, base: 3, samples: [512, 512], allFields: true, tfhdExtras: true }),
      traf({ trackId: 2, base: 9, samples: 4 }),
    );
    const good = parseMoofTiming(whole, tracks);
    fc.assert(
      fc.property(
        fc.nat({ max: whole.length }),
        fc.array(fc.tuple(fc.nat({ max: whole.length - 1 }), fc.nat({ max: 255 })), { maxLength: 4 }),
        (cut, flips) => {
          const bytes = Buffer.from(whole.subarray(0, cut === 0 ? whole.length : cut));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          try {
            const out = parseMoofTiming(bytes, tracks);
            // Whatever survived parses to fragments of known tracks with finite numbers.
            for (const f of out) {
              expect([1, 2]).toContain(f.trackId);
              expect(Number.isFinite(f.duration) && Number.isFinite(f.baseMediaDecodeTime)).toBe(true);
            }
            if (flips.length === 0 && cut === 0) expect(out).toEqual(good);
          } catch (err) {
            expect(err).toBeInstanceOf(Fmp4TimingError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('childBoxes', () => {
  it('lists sibling boxes and stops at the end of the container', () => {
    const bytes = Buffer.concat([
      box('styp', Buffer.from('msdh')),
      box('moof'),
      box('mdat', Buffer.alloc(10)),
    ]);
    expect(childBoxes(bytes, 0, bytes.length).map((b) => [b.type, b.end - b.start])).toEqual([
      ['styp', 12],
      ['moof', 8],
      ['mdat', 18],
    ]);
  });
});
