import { describe, expect, it } from 'vitest';
import { buildIdetArgs, parseIdetOutput } from './detect-field-order.js';

const line = (tff: number, bff: number, prog: number) =>
  `[Parsed_idet_0 @ 0x55] Multi frame detection: TFF:    ${tff} BFF:     ${bff} Progressive:    ${prog} Undetermined:     0`;

describe('idet', () => {
  it('reads which field comes first when most frames are interlaced', () => {
    expect(parseIdetOutput(line(100, 2, 10))).toBe('tff');
    expect(parseIdetOutput(line(3, 90, 20))).toBe('bff');
  });

  it('calls a mostly progressive or silent source progressive', () => {
    expect(parseIdetOutput(line(4, 0, 21))).toBeNull();
    expect(parseIdetOutput('')).toBeNull();
  });

  it('looks at the first frames of the first video stream only, with the safe input options', () => {
    const a = buildIdetArgs('/s/source');
    expect(a).toEqual(expect.arrayContaining(['-format_whitelist', '-frames:v', '120', '-vf', 'idet']));
    expect(a.at(-1)).toBe('-');
  });
});
