import type { AudioTrackInfo, TextTrackInfo } from '@reelkit/player-sdk';
import { describe, expect, it } from 'vitest';
import {
  TRACK_PREFERENCE_KEY,
  audioTrackFor,
  captionToggleTarget,
  readTrackPreference,
  writeTrackPreference,
  type PreferenceStorage,
} from './track-preference.js';

function memoryStorage(initial?: string): PreferenceStorage & { data: Map<string, string> } {
  const data = new Map<string, string>(initial === undefined ? [] : [[TRACK_PREFERENCE_KEY, initial]]);
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const text = (language: string, isDefault = false): TextTrackInfo => ({
  id: language,
  language,
  label: language,
  kind: 'subtitles',
  default: isDefault,
});
const audio = (id: string, language: string): AudioTrackInfo => ({
  id,
  language,
  label: language,
  channels: 2,
  default: false,
});

describe('the remembered track choice', () => {
  it('keeps the caption language, "off" and the audio language across reads', () => {
    const storage = memoryStorage();
    expect(readTrackPreference(storage)).toEqual({});
    writeTrackPreference(storage, { text: 'fr' });
    writeTrackPreference(storage, { audio: 'de' });
    expect(readTrackPreference(storage)).toEqual({ text: 'fr', audio: 'de' });
    writeTrackPreference(storage, { text: null });
    expect(readTrackPreference(storage)).toEqual({ text: null, audio: 'de' });
  });

  it('treats malformed or refused storage as no preference, and never throws', () => {
    expect(readTrackPreference(memoryStorage('not json'))).toEqual({});
    expect(readTrackPreference(memoryStorage('{"text": 3, "audio": ["x"]}'))).toEqual({});
    expect(readTrackPreference(memoryStorage('null'))).toEqual({});
    expect(readTrackPreference(undefined)).toEqual({});
    const refusing: PreferenceStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(readTrackPreference(refusing)).toEqual({});
    expect(() => writeTrackPreference(refusing, { text: 'fr' })).not.toThrow();
  });
});

describe('captionToggleTarget (the c key)', () => {
  const tracks = [text('en', true), text('fr'), text('pt-BR')];
  it('turns captions off when a track is shown', () => {
    expect(captionToggleTarget(tracks, tracks[1], 'fr', undefined)).toBeNull();
  });
  it('turns them on in the remembered language when the video has it', () => {
    expect(captionToggleTarget(tracks, undefined, 'fr', 'en')).toBe('fr');
    expect(captionToggleTarget(tracks, undefined, 'pt', undefined)).toBe('pt');
  });
  it('else in the language last shown, else the default track, else the first', () => {
    expect(captionToggleTarget(tracks, undefined, 'de', 'fr')).toBe('fr');
    expect(captionToggleTarget(tracks, undefined, null, undefined)).toBe('en');
    expect(captionToggleTarget([text('es'), text('it')], undefined, undefined, undefined)).toBe('es');
  });
  it('does nothing without tracks', () => {
    expect(captionToggleTarget([], undefined, 'fr', 'fr')).toBeUndefined();
  });
});

describe('audioTrackFor', () => {
  const tracks = [audio('a1', 'en'), audio('a2', 'fr-CA'), audio('a3', 'fr')];
  it('finds the exact language first, then the same primary language', () => {
    expect(audioTrackFor(tracks, 'FR')).toBe('a3');
    expect(audioTrackFor(tracks, 'fr-CA')).toBe('a2');
    expect(audioTrackFor([audio('a1', 'en'), audio('a2', 'fr-CA')], 'fr')).toBe('a2');
  });
  it('finds nothing for no preference or an absent language', () => {
    expect(audioTrackFor(tracks, undefined)).toBeUndefined();
    expect(audioTrackFor(tracks, 'de')).toBeUndefined();
  });
});
