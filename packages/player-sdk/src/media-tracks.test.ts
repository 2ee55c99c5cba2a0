import { describe, expect, it } from 'vitest';
import {
  audioTrackOf,
  findLanguage,
  nativeAudioTrackOf,
  nativeTextTrackOf,
  switcherOf,
  textTrackOf,
  type TrackEngine,
} from './media-tracks.js';

const base = 'https://video.example.com/v1/play/tok/66f/hls';

describe('track mapping', () => {
  it('a Reelkit caption rendition keeps the caption id, language, label and kind', () => {
    expect(
      textTrackOf(
        {
          name: 'Français (SDH)',
          lang: 'fr',
          default: true,
          url: `${base}/subs/cap123.m3u8?x=1`,
          characteristics:
            'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound',
        },
        1,
      ),
    ).toEqual({ id: 'cap123', language: 'fr', label: 'Français (SDH)', kind: 'captions', default: true });
  });

  it('a foreign subtitle rendition falls back to STABLE-RENDITION-ID, then to its position', () => {
    const r = { name: 'English', default: false, url: 'https://cdn.example/subs-en.m3u8' };
    expect(textTrackOf({ ...r, attrs: { 'STABLE-RENDITION-ID': 'en-1' } }, 0).id).toBe('en-1');
    expect(textTrackOf(r, 2)).toEqual({
      id: '2',
      language: '',
      label: 'English',
      kind: 'subtitles',
      default: false,
    });
  });

  it('an audio rendition gives its track id from audio/<id>/ and its channel count', () => {
    expect(
      audioTrackOf(
        { name: 'English 5.1', lang: 'en', default: true, url: `${base}/audio/a1/index.m3u8`, channels: '6' },
        0,
      ),
    ).toEqual({ id: 'a1', language: 'en', label: 'English 5.1', channels: 6, default: true });
    expect(
      audioTrackOf({ name: 'Dolby', default: false, url: 'x.m3u8', channels: '16/JOC' }, 3),
    ).toMatchObject({
      id: '3',
      channels: 16,
    });
    expect(audioTrackOf({ name: 'Unknown', default: false, url: 'x.m3u8' }, 0).channels).toBeUndefined();
  });

  it("the element's own tracks map with a label even when the browser gives none", () => {
    expect(nativeTextTrackOf({ id: '', kind: 'captions', language: 'de', label: '' }, 0)).toEqual({
      id: '0',
      language: 'de',
      label: 'de',
      kind: 'captions',
      default: false,
    });
    expect(nativeAudioTrackOf({ id: '7', kind: 'main', language: 'en', label: 'English' }, 0)).toEqual({
      id: '7',
      language: 'en',
      label: 'English',
      channels: undefined,
      default: true,
    });
  });
});

describe('findLanguage', () => {
  const tracks = [
    { language: 'en', default: true },
    { language: 'fr-CA', default: false },
    { language: 'fr', default: false },
    { language: 'pt-BR', default: false },
  ];
  it('prefers the exact tag, case-insensitively', () => {
    expect(findLanguage(tracks, 'FR')).toBe(2);
    expect(findLanguage(tracks, 'fr-ca')).toBe(1);
  });
  it('falls back to the same primary language', () => {
    expect(findLanguage(tracks, 'pt')).toBe(3);
    expect(findLanguage(tracks, 'pt-PT')).toBe(3);
  });
  it('among equal matches takes the default one', () => {
    expect(
      findLanguage(
        [
          { language: 'es', default: false },
          { language: 'es', default: true },
        ],
        'es',
      ),
    ).toBe(1);
  });
  it('answers -1 for a language no track has, and never matches an untagged track', () => {
    expect(findLanguage(tracks, 'de')).toBe(-1);
    expect(findLanguage([{ language: '', default: true }], '')).toBe(-1);
  });
});

describe('switcherOf', () => {
  function engine(): TrackEngine & { shown: number; heard: number } {
    const e = {
      shown: -1,
      heard: 0,
      textTracks: () => [
        { id: 'c1', language: 'en', label: 'English', kind: 'subtitles' as const, default: true },
        { id: 'c2', language: 'fr', label: 'Français', kind: 'subtitles' as const, default: false },
      ],
      textTrack: () => e.shown,
      audioTracks: () => [
        { id: 'a1', language: 'en', label: 'English', channels: 6, default: true },
        { id: 'a2', language: 'fr', label: 'Français', channels: 2, default: false },
      ],
      audioTrack: () => e.heard,
      showText: (i: number) => void (e.shown = i),
      hearAudio: (i: number) => void (e.heard = i),
      destroy: () => undefined,
    };
    return e;
  }

  it('selects a text track by language, turns captions off with null, and refuses an absent language', () => {
    const e = engine();
    const s = switcherOf(e);
    expect(s.setTextTrack('fr')).toBe(true);
    expect(s.textTrack()?.id).toBe('c2');
    expect(s.setTextTrack('de')).toBe(false);
    expect(s.textTrack()?.id).toBe('c2');
    expect(s.setTextTrack(null)).toBe(true);
    expect(s.textTrack()).toBeUndefined();
  });

  it('selects an audio track by id and refuses an unknown one', () => {
    const e = engine();
    const s = switcherOf(e);
    expect(s.audioTrack()?.id).toBe('a1');
    expect(s.setAudioTrack('a2')).toBe(true);
    expect(s.audioTrack()?.id).toBe('a2');
    expect(s.setAudioTrack('nope')).toBe(false);
    expect(e.heard).toBe(1);
  });
});
