import { describe, expect, it } from 'vitest';
import { languageName, normaliseLanguage, planAudioTracks } from './plan-audio-tracks.js';

const stream = (index: number, over: Partial<Parameters<typeof planAudioTracks>[0][number]> = {}) => ({
  index,
  channels: 2,
  language: null,
  title: null,
  default: false,
  ...over,
});

describe('normaliseLanguage', () => {
  it.each([
    ['eng', 'en'],
    ['fre', 'fr'],
    ['fra', 'fr'],
    ['GER', 'de'],
    ['pt_BR', 'pt-BR'],
    ['en-us', 'en-US'],
    ['haw', 'haw'],
    ['und', null],
    ['', null],
    [null, null],
    ['not a language!', null],
  ])('%s → %s', (tag, want) => {
    expect(normaliseLanguage(tag)).toBe(want);
  });

  it('names languages in English', () => {
    expect(languageName('fr')).toBe('French');
    expect(languageName(null)).toBeNull();
  });
});

describe('planAudioTracks', () => {
  it('an English 5.1 and a French stereo stream become two stereo renditions, the first default', () => {
    const plans = planAudioTracks([
      stream(1, { channels: 6, language: 'eng' }),
      stream(2, { language: 'fre', title: 'Version française' }),
    ]);
    expect(plans).toEqual([
      { id: 'a0', streamIndex: 1, language: 'en', label: 'English', channels: 2, default: true, kbps: 128 },
      {
        id: 'a1',
        streamIndex: 2,
        language: 'fr',
        label: 'Version française',
        channels: 2,
        default: false,
        kbps: 128,
      },
    ]);
  });

  it('the stream marked default is the default rendition, and only it', () => {
    const plans = planAudioTracks([stream(1), stream(2, { default: true }), stream(3, { default: true })]);
    expect(plans.map((p) => p.default)).toEqual([false, true, false]);
  });

  it('untagged streams get distinct labels', () => {
    const plans = planAudioTracks([
      stream(1),
      stream(2),
      stream(3, { language: 'eng' }),
      stream(4, { language: 'en' }),
    ]);
    expect(plans.map((p) => p.label)).toEqual(['Track 1', 'Track 2', 'English', 'English (2)']);
    expect(plans.map((p) => p.language)).toEqual([null, null, 'en', 'en']);
  });

  it('no audio streams, no renditions', () => {
    expect(planAudioTracks([])).toEqual([]);
  });
});
