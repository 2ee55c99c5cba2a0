import { describe, expect, it } from 'vitest';
import { formatTranscodeFailure, parseTranscodeFailure, TRANSCODE_ERROR_CODES } from './transcode-errors.js';

describe('transcode failure reasons', () => {
  it('round-trips every code through the failedReason format', () => {
    for (const code of Object.keys(TRANSCODE_ERROR_CODES) as Array<keyof typeof TRANSCODE_ERROR_CODES>) {
      const reason = formatTranscodeFailure(code, 'the file has no video stream\n(details)');
      expect(reason).toBe(`${code}: the file has no video stream (details)`);
      expect(parseTranscodeFailure(reason)).toEqual({
        code,
        message: 'the file has no video stream (details)',
      });
    }
  });

  it("reads BullMQ's own reasons and unknown prefixes as transcode_failed", () => {
    expect(parseTranscodeFailure('job stalled more than allowable limit')).toEqual({
      code: 'transcode_failed',
      message: 'job stalled more than allowable limit',
    });
    expect(parseTranscodeFailure('weird_code: x').code).toBe('transcode_failed');
    expect(parseTranscodeFailure(undefined)).toEqual({ code: 'transcode_failed', message: 'unknown error' });
  });
});
