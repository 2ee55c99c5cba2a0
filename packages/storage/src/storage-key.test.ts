import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertStorageKey, videoKey } from './storage-key.js';

describe('storage keys', () => {
  it('accepts the keys we generate', () => {
    expect(videoKey('64b7f0c2a1', '64b7f0c2a2', 'hls', '720p', 'seg_00001.m4s')).toBe(
      '64b7f0c2a1/64b7f0c2a2/hls/720p/seg_00001.m4s',
    );
  });

  it.each([
    '../etc/passwd',
    '/etc/passwd',
    'a/../../b',
    'a//b',
    'a/./b',
    'a\\b',
    '',
    'a/%2e%2e/b',
    'a/.hidden',
  ])('refuses %j', (key) => {
    expect(() => assertStorageKey(key)).toThrow(/invalid storage key/);
  });

  it('never accepts a key with a dot-dot segment, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/)),
        fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/)),
        (a, b) => {
          expect(() => assertStorageKey([...a, '..', ...b].join('/'))).toThrow();
        },
      ),
    );
  });
});
