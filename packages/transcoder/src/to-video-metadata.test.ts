import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseLadder } from './choose-ladder.js';
import { toSourceInfo, toVideoMetadata, type FfprobeData, type FfprobeStream } from './to-video-metadata.js';

const base: FfprobeData = {
  streams: [
    { codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, avg_frame_rate: '30000/1001' },
    { codec_type: 'audio', codec_name: 'aac' },
  ],
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.5', bit_rate: '2500000', size: '3906250' },
};

describe('toVideoMetadata', () => {
  it('reads duration, size, fps, codecs and bitrate', () => {
    expect(toVideoMetadata(base)).toEqual({
      duration: 12.5,
      width: 1280,
      height: 720,
      rotation: 0,
      hdr: null,
      fps: 29.97,
      videoCodec: 'h264',
      audioCodec: 'aac',
      hasVideo: true,
      hasAudio: true,
      bitrate: 2_500_000,
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      sizeBytes: 3_906_250,
    });
  });

  // The display matrix turns counter-clockwise (a phone's portrait clip says −90); the legacy tag
  // and our metadata say clockwise.
  it.each([
    [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }, 90],
    [{ side_data_list: [{ rotation: 90 }] }, 270],
    [{ side_data_list: [{ rotation: '-180' }] }, 180],
    [{ rotation: -90 }, 90],
    [{ rotation: '90' }, 270],
    [{ tags: { rotate: '90' } }, 90],
    [{ tags: { rotate: '-90' } }, 270],
    [{ tags: { rotate: '180' } }, 180],
    [{ tags: { rotate: '450' } }, 90],
  ] satisfies Array<[Partial<FfprobeStream>, number]>)(
    'applies rotation %j to the display size',
    (extra, rotation) => {
      const data: FfprobeData = { ...base, streams: [{ ...base.streams[0], ...extra }, base.streams[1]!] };
      const m = toVideoMetadata(data);
      expect(m.rotation).toBe(rotation);
      expect([m.width, m.height]).toEqual(rotation === 180 ? [1280, 720] : [720, 1280]);
    },
  );

  it('does not count cover art as video, and notices missing audio', () => {
    const m = toVideoMetadata({
      streams: [
        {
          codec_type: 'video',
          codec_name: 'mjpeg',
          width: 600,
          height: 600,
          disposition: { attached_pic: 1 },
        },
      ],
      format: { format_name: 'mp3', duration: '3' },
    });
    expect(m.hasVideo).toBe(false);
    expect(m.hasAudio).toBe(false);
    expect(m.width).toBe(0);
  });

  it('stretches non-square pixels to the display aspect ratio (720×480 at 32:27 → 854×480)', () => {
    const m = toVideoMetadata({
      ...base,
      streams: [{ ...base.streams[0], width: 720, height: 480, sample_aspect_ratio: '32:27' }],
    });
    expect([m.width, m.height]).toEqual([854, 480]);
    const ladder = chooseLadder(m, { segmentSeconds: 4 }).rungs.map((r) => `${r.width}x${r.height}`);
    expect(ladder).toEqual(['854x480', '640x360', '428x240']);
  });

  it('records HLG and PQ sources as HDR, and reads scan, colour and bit depth', () => {
    const stream = (extra: Partial<FfprobeStream>) => ({
      ...base,
      streams: [{ ...base.streams[0], ...extra }],
    });
    expect(toVideoMetadata(stream({ color_transfer: 'arib-std-b67' })).hdr).toBe('hlg');
    expect(toVideoMetadata(stream({ color_transfer: 'smpte2084' })).hdr).toBe('pq');
    expect(toVideoMetadata(stream({ color_transfer: 'bt709' })).hdr).toBeNull();
    const info = toSourceInfo(
      stream({ field_order: 'tb', pix_fmt: 'yuv420p10le', color_space: 'bt2020nc', color_range: 'unknown' }),
    );
    expect(info.video).toMatchObject({
      fieldOrder: 'tff',
      bitDepth: 10,
      colour: { matrix: 'bt2020nc', transfer: null, primaries: null, range: null },
    });
    expect(toSourceInfo(stream({ field_order: 'bb' })).video?.fieldOrder).toBe('bff');
    expect(toSourceInfo(stream({})).video?.fieldOrder).toBe('unknown');
  });

  it('notices a variable frame rate', () => {
    const vfr = toSourceInfo({
      ...base,
      streams: [{ ...base.streams[0], avg_frame_rate: '131/5', r_frame_rate: '30/1' }],
    });
    expect(vfr.metadata.fps).toBe(26.2);
    expect(vfr.video).toMatchObject({ vfr: true, baseFps: 30 });
    expect(toSourceInfo(base).video?.vfr).toBe(false);
  });

  it('takes the default audio stream of several, else the first', () => {
    const audio = (index: number, isDefault: number, channels: number) => ({
      index,
      codec_type: 'audio',
      codec_name: 'aac',
      channels,
      sample_rate: '44100',
      disposition: { default: isDefault },
    });
    const two = toSourceInfo({ ...base, streams: [base.streams[0]!, audio(1, 0, 2), audio(2, 1, 6)] });
    expect(two.audio).toEqual({ index: 2, channels: 6, sampleRate: 44_100 });
    expect(two.audioStreams).toEqual([
      { index: 1, channels: 2, language: null, title: null, default: false },
      { index: 2, channels: 6, language: null, title: null, default: true },
    ]);
    const tagged = toSourceInfo({
      ...base,
      streams: [base.streams[0]!, { ...audio(1, 0, 2), tags: { language: 'fre', title: 'VF' } }],
    });
    expect(tagged.audioStreams[0]).toMatchObject({ language: 'fre', title: 'VF' });
    const none = toSourceInfo({ ...base, streams: [base.streams[0]!, audio(1, 0, 1), audio(2, 0, 2)] });
    expect(none.audio?.index).toBe(1);
  });

  it('lists the subtitle streams with their codec, tags and default/forced dispositions', () => {
    const info = toSourceInfo({
      ...base,
      streams: [
        base.streams[0]!,
        {
          index: 1,
          codec_type: 'subtitle',
          codec_name: 'subrip',
          tags: { language: 'eng', title: 'SDH' },
          disposition: { default: 1, forced: 0 },
        },
        { index: 2, codec_type: 'subtitle', codec_name: 'hdmv_pgs_subtitle', disposition: { forced: 1 } },
      ],
    });
    expect(info.subtitleStreams).toEqual([
      { index: 1, codec: 'subrip', language: 'eng', title: 'SDH', default: true, forced: false },
      { index: 2, codec: 'hdmv_pgs_subtitle', language: null, title: null, default: false, forced: true },
    ]);
  });

  it('every rotation × pixel aspect × size gives even, non-upscaled, aspect-correct rungs', () => {
    const sars = ['1:1', '32:27', '8:9', '4:3', '40:33', '0:1'];
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 3840 }),
        fc.integer({ min: 16, max: 2160 }),
        fc.constantFrom(0, 90, 180, 270),
        fc.constantFrom(...sars),
        (w, h, rotate, sar) => {
          const m = toVideoMetadata({
            ...base,
            streams: [
              {
                ...base.streams[0],
                width: w,
                height: h,
                sample_aspect_ratio: sar,
                tags: { rotate: String(rotate) },
              },
            ],
          });
          const [num, den] = sar.split(':').map(Number) as [number, number];
          const displayAspect = (w * (num > 0 ? num / den : 1)) / h;
          const aspect = rotate % 180 === 0 ? displayAspect : 1 / displayAspect;
          for (const r of chooseLadder(m, { segmentSeconds: 4 }).rungs) {
            expect((r.width % 2) + (r.height % 2)).toBe(0);
            expect(r.width).toBeLessThanOrEqual(m.width);
            expect(r.height).toBeLessThanOrEqual(m.height);
            // Rounding to even sizes moves the aspect by at most 2 px on the short side.
            const tolerance = 2 / Math.min(r.width, r.height) + 2 / Math.max(r.width, r.height);
            // Portrait stays portrait, unless the source is square within that rounding (20×21 → 20×20).
            if (Math.abs(aspect - 1) > tolerance * 1.01) expect(r.height > r.width).toBe(m.height > m.width);
            expect(Math.abs(r.width / r.height / aspect - 1)).toBeLessThanOrEqual(tolerance * 1.01);
          }
        },
      ),
    );
  });
});
