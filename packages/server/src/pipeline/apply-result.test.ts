import type { SourceCaption } from '@reelkit/protocol';
import { describe, expect, it } from 'vitest';
import { storedSourceCaptions } from './apply-result.js';

const VIDEO = '65a0c0ffee00000000000002';
const caption = (
  id: string,
  key = `65a0c0ffee00000000000001/${VIDEO}/hls/subs/${id}.vtt`,
): SourceCaption => ({
  id,
  streamIndex: 2,
  codec: 'subrip',
  language: 'en',
  label: 'English',
  kind: 'subtitles',
  default: true,
  forced: false,
  key,
  endMs: 4500,
});

describe('storedSourceCaptions', () => {
  it('stores a source caption like an uploaded one, with source "source" and its id as _id', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const [stored] = storedSourceCaptions(VIDEO, [caption('0123456789abcdef01234567')], now);
    expect(stored).toMatchObject({
      language: 'en',
      label: 'English',
      kind: 'subtitles',
      default: true,
      source: 'source',
      endMs: 4500,
      createdAt: now,
    });
    expect(stored!._id.toHexString()).toBe('0123456789abcdef01234567');
  });

  it('leaves out a caption whose id is malformed or whose key is outside its own file', () => {
    const now = new Date();
    expect(
      storedSourceCaptions(
        VIDEO,
        [
          caption('not-an-id'),
          caption('0123456789abcdef01234567', `65a0c0ffee00000000000001/${VIDEO}/source`),
          caption(
            '0123456789abcdef01234567',
            `other/65a0c0ffee00000000000009/hls/subs/0123456789abcdef01234567.vtt`,
          ),
        ],
        now,
      ),
    ).toEqual([]);
  });
});
