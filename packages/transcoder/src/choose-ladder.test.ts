import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseLadder, chooseOutputFps } from './choose-ladder.js';

const seg = { segmentSeconds: 4 };
const dims = (w: number, h: number, fps = 30) =>
  chooseLadder({ width: w, height: h, fps }, seg).rungs.map((r) => `${r.rung}:${r.width}x${r.height}`);

describe('chooseLadder', () => {
  it('a 720p source yields 720/480/360/240 and nothing above', () => {
    expect(dims(1280, 720)).toEqual(['720:1280x720', '480:854x480', '360:640x360', '240:426x240']);
  });

  it('a 4K source yields every rung from 2160 down', () => {
    expect(chooseLadder({ width: 3840, height: 2160, fps: 30 }, seg).rungs.map((r) => r.rung)).toEqual([
      2160, 1440, 1080, 720, 480, 360, 240,
    ]);
  });

  it('ladders a portrait 720×1280 source by its short side', () => {
    expect(dims(720, 1280)).toEqual(['720:720x1280', '480:480x854', '360:360x640', '240:240x426']);
  });

  it('keeps a slightly cropped source in its rung without upscaling it', () => {
    expect(dims(1920, 1072)[0]).toBe('1080:1920x1072');
  });

  it('gives a source below 240p one rung at its own even size', () => {
    expect(dims(177, 99)).toEqual(['98:176x98']);
  });

  it('never upscales and always gives even dimensions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 4096 }), fc.integer({ min: 16, max: 4096 }), (w, h) => {
        for (const r of chooseLadder({ width: w, height: h, fps: 30 }, seg).rungs) {
          expect(r.width % 2).toBe(0);
          expect(r.height % 2).toBe(0);
          expect(r.width).toBeLessThanOrEqual(w);
          expect(r.height).toBeLessThanOrEqual(h);
        }
      }),
    );
  });

  it("uses one GOP of a segment at each rung's frame rate, and halves rates above 60", () => {
    const p30 = chooseLadder({ width: 640, height: 360, fps: 30 }, seg);
    expect([p30.fps, p30.rungs[0]!.fps, p30.rungs[0]!.gop]).toEqual([30, 30, 120]);
    const p120 = chooseLadder({ width: 1280, height: 720, fps: 120 }, seg);
    expect([p120.fps, p120.rungs[0]!.fps, p120.rungs[0]!.gop]).toEqual([60, 60, 240]);
    expect(p120.rungs[0]!.videoKbps).toBe(1.5 * 2800);
  });

  it('keeps 60 fps on the top rungs of a 60 fps source and runs 480p and below at 30', () => {
    const p = chooseLadder({ width: 1920, height: 1080, fps: 60 }, seg);
    expect(p.rungs.map((r) => `${r.rung}@${r.fps}`)).toEqual([
      '1080@60',
      '720@60',
      '480@30',
      '360@30',
      '240@30',
    ]);
    expect(p.rungs.map((r) => r.gop)).toEqual([240, 240, 120, 120, 120]);
    const p50 = chooseLadder({ width: 1280, height: 720, fps: 50 }, seg);
    expect(p50.rungs.map((r) => r.fps)).toEqual([50, 25, 25, 25]);
  });

  it('writes a variable-rate source at its nominal or the next common constant rate', () => {
    const base = { fps: 30, baseFps: 30, vfr: false, interlaced: false };
    expect(chooseOutputFps(base)).toBe(30);
    expect(chooseOutputFps({ ...base, fps: 26.2, vfr: true })).toBe(30);
    expect(chooseOutputFps({ ...base, fps: 26.2, baseFps: 1000, vfr: true })).toBe(29.97);
    expect(chooseOutputFps({ ...base, fps: 29.97, baseFps: 59.94, vfr: true, interlaced: true })).toBe(29.97);
    expect(chooseOutputFps({ ...base, fps: 0, baseFps: 0 })).toBe(30);
  });

  it('writes the progressive MP4 from a middle rung', () => {
    expect(chooseLadder({ width: 1280, height: 720, fps: 30 }, seg).mp4Rung).toBe(480);
    expect(chooseLadder({ width: 1920, height: 1080, fps: 30 }, seg).mp4Rung).toBe(480);
    expect(chooseLadder({ width: 426, height: 240, fps: 30 }, seg).mp4Rung).toBe(240);
  });

  it('picks the smallest H.264 level that fits each rung', () => {
    const levels = chooseLadder({ width: 1920, height: 1080, fps: 30 }, seg).rungs.map((r) => r.levelIdc);
    expect(levels).toEqual([40, 31, 31, 30, 21]);
  });
});
