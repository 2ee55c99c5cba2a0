import { describe, expect, it } from 'vitest';
import { mergeProgress } from './player-controller.js';

describe('processing progress', () => {
  const at = (stage: string, percent: number) => ({ status: 'processing', stage, percent });

  it('keeps the live stage when a poll answer names none', () => {
    expect(mergeProgress(at('transcode', 42), at('processing', 0))).toEqual(at('transcode', 42));
  });
  it('never lowers the percent within a stage, but follows a new stage', () => {
    expect(mergeProgress(at('transcode', 42), at('transcode', 30))).toEqual(at('transcode', 42));
    expect(mergeProgress(at('transcode', 90), at('finalize', 5))).toEqual(at('finalize', 5));
  });
  it('takes the first real stage', () => {
    expect(mergeProgress(at('processing', 0), at('probe', 10))).toEqual(at('probe', 10));
    expect(mergeProgress(undefined, at('queued', 0))).toEqual(at('queued', 0));
  });
});
