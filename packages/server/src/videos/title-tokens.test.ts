import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOKEN_MAX, matchesSearch, searchTokens, titleTokens } from './title-tokens.js';

describe('title tokens', () => {
  it('folds diacritics and case and splits on punctuation', () => {
    expect(titleTokens('Crème Brûlée (2024).mp4')).toEqual(['creme', 'brulee', '2024', 'mp4']);
    expect(titleTokens('ÉCOLE  école_Ecole')).toEqual(['ecole']);
    expect(titleTokens('Ｆｕｌｌ width ﬁle')).toEqual(['full', 'width', 'file']);
    expect(titleTokens('日本語 のビデオ')).toEqual(['日本語', 'のヒテオ']);
  });

  it('cuts long words and keeps none of punctuation only', () => {
    expect(titleTokens('a'.repeat(50))).toEqual(['a'.repeat(TOKEN_MAX)]);
    expect(titleTokens('.*?!')).toEqual([]);
    expect(searchTokens('.*')).toEqual([]);
  });

  it('matches a search when every search token starts a title token', () => {
    const t = titleTokens('Brûlée and ananas');
    expect(matchesSearch(t, searchTokens('BRU ana'))).toBe(true);
    expect(matchesSearch(titleTokens('Banana brûlée'), searchTokens('brû ana'))).toBe(false);
    expect(matchesSearch(t, searchTokens('bru brulee'))).toBe(true);
    expect(searchTokens('bru brulee')).toEqual(['brulee']);
  });

  it('finds every title by any prefix of any of its words', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.nat(), fc.nat(), (title, i, n) => {
        const tokens = titleTokens(title);
        if (tokens.length === 0) return;
        const word = tokens[i % tokens.length]!;
        const prefix = word.slice(0, 1 + (n % word.length));
        expect(matchesSearch(tokens, searchTokens(prefix))).toBe(true);
      }),
    );
  });
});
