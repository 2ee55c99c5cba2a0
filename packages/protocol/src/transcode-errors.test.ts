import { describe, expect, it } from 'vitest';
import {
  describeTranscodeFailure,
  formatTranscodeFailure,
  parseTranscodeFailure,
  TRANSCODE_ERROR_CODES,
} from './transcode-errors.js';

const codes = Object.keys(TRANSCODE_ERROR_CODES) as Array<keyof typeof TRANSCODE_ERROR_CODES>;

describe('transcode failure reasons', () => {
  it('round-trips every code through the failedReason format', () => {
    for (const code of codes) {
      const reason = formatTranscodeFailure(code, 'moov atom\nnot found');
      const sentence = `${TRANSCODE_ERROR_CODES[code].message} (moov atom not found).`;
      expect(reason).toBe(`${code}: ${sentence}`);
      expect(parseTranscodeFailure(reason)).toEqual({ code, message: sentence });
    }
  });

  it('gives every code a sentence of its own, with or without a detail', () => {
    expect(describeTranscodeFailure('source_unreadable', 'moov atom not found')).toBe(
      'The file is incomplete or damaged (moov atom not found).',
    );
    const sentences = codes.map((c) => describeTranscodeFailure(c));
    expect(new Set(sentences).size).toBe(codes.length);
    for (const s of sentences) {
      expect(s).toMatch(/^[A-Z][^\n]*\.$/);
      expect(s).not.toMatch(/(^|\s)\/|0x[0-9a-f]/);
    }
  });

  it("reads BullMQ's own reasons and unknown prefixes as transcode_failed, without their words", () => {
    const stock = { code: 'transcode_failed', message: 'The video could not be converted.' };
    expect(parseTranscodeFailure('job stalled more than allowable limit')).toEqual(stock);
    expect(parseTranscodeFailure("ENOENT: no such file, open '/srv/x/source'")).toEqual(stock);
    expect(parseTranscodeFailure('weird_code: x').code).toBe('transcode_failed');
    expect(parseTranscodeFailure(undefined)).toEqual(stock);
  });
});
