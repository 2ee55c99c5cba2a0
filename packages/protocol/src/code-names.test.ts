import { describe, expect, it } from 'vitest';
import {
  ERROR_CODE_NAMES,
  TRANSCODE_ERROR_CODE_NAMES,
  isErrorCode,
  isTranscodeErrorCode,
} from './code-names.js';
import { ERROR_CODES } from './error-codes.js';
import { TRANSCODE_ERROR_CODES } from './transcode-errors.js';

describe('code names', () => {
  it('list every described code once, and nothing else', () => {
    expect(new Set(ERROR_CODE_NAMES).size).toBe(ERROR_CODE_NAMES.length);
    expect([...ERROR_CODE_NAMES].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(new Set(TRANSCODE_ERROR_CODE_NAMES).size).toBe(TRANSCODE_ERROR_CODE_NAMES.length);
    expect([...TRANSCODE_ERROR_CODE_NAMES].sort()).toEqual(Object.keys(TRANSCODE_ERROR_CODES).sort());
  });

  it('recognise their own codes only (not inherited names)', () => {
    for (const code of ERROR_CODE_NAMES) expect(isErrorCode(code)).toBe(true);
    for (const code of TRANSCODE_ERROR_CODE_NAMES) expect(isTranscodeErrorCode(code)).toBe(true);
    for (const v of ['toString', 'constructor', '__proto__', 'source_invalid', '', 42, null]) {
      expect(isErrorCode(v)).toBe(false);
      expect(isTranscodeErrorCode(v)).toBe(false);
    }
  });
});
