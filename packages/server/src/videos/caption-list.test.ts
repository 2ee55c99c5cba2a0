import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { replaceSourceCaptions } from './caption-list.js';
import type { StoredCaption } from './video-model.js';

const caption = (over: Partial<StoredCaption> & Pick<StoredCaption, 'source'>): StoredCaption => {
  const _id = over._id ?? new Types.ObjectId();
  return {
    _id,
    language: 'en',
    label: 'English',
    kind: 'subtitles',
    default: false,
    key: `o/v/hls/subs/${_id.toHexString()}.vtt`,
    endMs: 1000,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
};
const ids = (list: readonly StoredCaption[]) => list.map((c) => c._id.toHexString());

describe('replaceSourceCaptions', () => {
  it('adds the source captions after the uploaded ones on a first transcode', () => {
    const uploaded = caption({ source: 'upload', language: 'de' });
    const fromSource = [caption({ source: 'source' }), caption({ source: 'source', language: 'fr' })];
    const { list, stale } = replaceSourceCaptions([uploaded], fromSource);
    expect(ids(list)).toEqual(ids([uploaded, ...fromSource]));
    expect(stale).toEqual([]);
  });

  it('a re-transcode replaces the source captions instead of duplicating them, and keeps uploads', () => {
    const uploaded = caption({ source: 'upload', language: 'de' });
    const kept = caption({ source: 'source', label: 'Relabelled by an editor', endMs: 1000 });
    const gone = caption({ source: 'source', language: 'fr' });
    const again = { ...kept, label: 'English', endMs: 9000, createdAt: new Date() };
    const added = caption({ source: 'source', language: 'es' });
    const { list, stale } = replaceSourceCaptions([kept, uploaded, gone], [again, added]);
    expect(ids(list)).toEqual(ids([kept, uploaded, added]));
    expect(list[0]).toMatchObject({
      label: 'Relabelled by an editor',
      endMs: 9000,
      createdAt: kept.createdAt,
    });
    expect(list[1]).toBe(uploaded);
    expect(stale).toEqual([gone]);
  });

  it('keeps at most one default: an uploaded default wins over the source’s', () => {
    const uploaded = caption({ source: 'upload', default: true });
    const fromSource = caption({ source: 'source', default: true });
    const { list } = replaceSourceCaptions([uploaded], [fromSource]);
    expect(list.map((c) => c.default)).toEqual([true, false]);
    expect(replaceSourceCaptions([], [fromSource]).list[0]!.default).toBe(true);
  });
});
