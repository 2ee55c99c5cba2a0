import { describe, expect, it } from 'vitest';
import { outputColour, scaleFilter, sourceFilters, type VideoFilterInput } from './plan-video-filters.js';

const untagged = { matrix: null, transfer: null, primaries: null, range: null };
const input = (over: Partial<VideoFilterInput>): VideoFilterInput => ({
  deinterlace: null,
  hdr: null,
  colour: untagged,
  codedHeight: 1080,
  ...over,
});

describe('outputColour', () => {
  it('fills in missing tags as players assume: BT.601 for SD, BT.709 for HD', () => {
    expect(outputColour(input({ codedHeight: 480 }))).toEqual({
      primaries: 'smpte170m',
      transfer: 'smpte170m',
      matrix: 'smpte170m',
    });
    expect(outputColour(input({ codedHeight: 576 })).primaries).toBe('bt470bg');
    expect(outputColour(input({}))).toEqual({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709' });
  });

  it('keeps the tags an SDR source has, and says BT.709 after tonemapping', () => {
    const tagged = { matrix: 'bt709', transfer: 'bt709', primaries: 'bt709', range: 'tv' };
    expect(outputColour(input({ codedHeight: 480, colour: tagged })).matrix).toBe('bt709');
    const hdr = { matrix: 'bt2020nc', transfer: 'smpte2084', primaries: 'bt2020', range: 'tv' };
    expect(outputColour(input({ hdr: 'pq', colour: hdr }))).toEqual({
      primaries: 'bt709',
      transfer: 'bt709',
      matrix: 'bt709',
    });
  });
});

describe('sourceFilters and scaleFilter', () => {
  it('deinterlaces first, then a constant rate from 0, then 8-bit 4:2:0', () => {
    expect(sourceFilters(input({ deinterlace: 'bff' }), 25)).toEqual([
      'bwdif=mode=send_frame:parity=bff:deint=all',
      'fps=fps=25:start_time=0',
      'format=yuv420p',
    ]);
    expect(sourceFilters(input({}), null)).toEqual(['format=yuv420p']);
  });

  it('scales full-range sources to limited range, square pixels always', () => {
    expect(scaleFilter(input({ colour: { ...untagged, range: 'pc' } }), 640, 360)).toBe(
      'scale=640:360:flags=bicubic:in_range=pc:out_range=tv,setsar=1',
    );
    expect(scaleFilter(input({}), 640, 360)).toBe('scale=640:360:flags=bicubic,setsar=1');
  });
});
