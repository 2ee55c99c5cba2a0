import { ERROR_CODES, TRANSCODE_ERROR_CODES } from '@reelkit/protocol';
import { SDK_ERROR_CODES } from '@reelkit/player-sdk';
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, errorMessage, type EmbedErrorCode } from './error-message.js';

const GENERIC = errorMessage('internal_error');

describe('errorMessage', () => {
  it('has a sentence for every code the API, the transcoder and the SDK define, and for no other', () => {
    const defined = [
      ...new Set([
        ...Object.keys(ERROR_CODES),
        ...Object.keys(TRANSCODE_ERROR_CODES),
        ...Object.keys(SDK_ERROR_CODES),
        'missing_attributes',
      ]),
    ].sort();
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual(defined);
  });

  it('tells a viewer why processing failed for every transcoder code, not the generic sentence', () => {
    for (const code of Object.keys(TRANSCODE_ERROR_CODES) as EmbedErrorCode[])
      expect(errorMessage(code), code).not.toBe(GENERIC);
    expect(errorMessage('source_no_video')).toBe('This file has no video in it.');
    expect(errorMessage('source_too_long')).toMatch(/longer than/);
  });

  it('cannot map codes that do not exist, and answers a newer server’s code generically', () => {
    // @ts-expect-error -- not a code: the table would not compile with it
    expect(errorMessage('probe_failed')).toBe(GENERIC);
    // @ts-expect-error -- not a code either
    expect(errorMessage('source_invalid')).toBe(GENERIC);
    expect(errorMessage('playback_token_expired')).toMatch(/expired/);
  });
});
