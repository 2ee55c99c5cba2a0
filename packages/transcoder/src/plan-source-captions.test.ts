import { describe, expect, it } from 'vitest';
import { planSourceCaptions, sourceCaptionId, type SourceSubtitleStream } from './plan-source-captions.js';

const VIDEO = '65a0c0ffee0000000000beef';
const stream = (index: number, over: Partial<SourceSubtitleStream> = {}): SourceSubtitleStream => ({
  index,
  codec: 'subrip',
  language: null,
  title: null,
  default: false,
  forced: false,
  ...over,
});

describe('planSourceCaptions', () => {
  it('makes a caption of each text stream with its language as BCP 47, titled or named after it', () => {
    const { captions, skipped } = planSourceCaptions(VIDEO, [
      stream(2, { language: 'eng', title: 'English SDH' }),
      stream(3, { codec: 'ass', language: 'fre' }),
      stream(4, { codec: 'webvtt', language: 'pt_BR' }),
      stream(5, { codec: 'mov_text' }),
    ]);
    expect(skipped).toEqual([]);
    expect(captions.map((c) => [c.streamIndex, c.language, c.label])).toEqual([
      [2, 'en', 'English SDH'],
      [3, 'fr', 'French'],
      [4, 'pt-BR', 'Brazilian Portuguese'],
      [5, 'und', 'Subtitles 4'],
    ]);
  });

  it('skips picture subtitles and unknown codecs, saying which and why', () => {
    const { captions, skipped } = planSourceCaptions(VIDEO, [
      stream(1, { codec: 'hdmv_pgs_subtitle' }),
      stream(2, { codec: 'dvd_subtitle' }),
      stream(3, { codec: 'eia_608' }),
      stream(4),
    ]);
    expect(captions.map((c) => c.streamIndex)).toEqual([4]);
    expect(skipped).toEqual([
      { streamIndex: 1, codec: 'hdmv_pgs_subtitle', reason: 'bitmap' },
      { streamIndex: 2, codec: 'dvd_subtitle', reason: 'bitmap' },
      { streamIndex: 3, codec: 'eia_608', reason: 'unsupported' },
    ]);
  });

  it('takes the first default-disposition stream as the default, but not MP4’s “enabled” mov_text', () => {
    const plan = (s: SourceSubtitleStream[]) => planSourceCaptions(VIDEO, s).captions.map((c) => c.default);
    expect(plan([stream(1), stream(2, { default: true }), stream(3, { default: true })])).toEqual([
      false,
      true,
      false,
    ]);
    expect(plan([stream(1, { codec: 'mov_text', default: true })])).toEqual([false]);
  });

  it('notes forced streams in the label and keeps labels unique', () => {
    const { captions } = planSourceCaptions(VIDEO, [
      stream(1, { language: 'en' }),
      stream(2, { language: 'en', forced: true }),
      stream(3, { language: 'en' }),
      stream(4, { language: 'en', title: 'Forced narrative', forced: true }),
    ]);
    expect(captions.map((c) => [c.label, c.forced])).toEqual([
      ['English', false],
      ['English (forced)', true],
      ['English (2)', false],
      ['Forced narrative', true],
    ]);
  });

  it('gives a stream the same 24-hex id on every attempt, distinct per stream and per video', () => {
    const id = sourceCaptionId(VIDEO, 2);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(planSourceCaptions(VIDEO, [stream(2)]).captions[0]!.id).toBe(id);
    expect(sourceCaptionId(VIDEO, 3)).not.toBe(id);
    expect(sourceCaptionId('65a0c0ffee0000000000beee', 2)).not.toBe(id);
  });
});
