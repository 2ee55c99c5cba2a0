/** Longest token kept: longer words are cut (a prefix search still finds them). */
export const TOKEN_MAX = 32;
/** Tokens kept per title (a 200-character title has fewer words than this in practice). */
export const TOKENS_PER_TITLE = 64;

/**
 * The words of a text as search tokens: Unicode-normalised (NFKD) with diacritics removed,
 * lower-cased, split on anything that is not a letter or a digit, each cut to `TOKEN_MAX`.
 * "Crème Brûlée (2024).mp4" → ["creme", "brulee", "2024", "mp4"].
 */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, TOKEN_MAX));
}

/** The distinct tokens of a title, in order of first appearance: stored as `titleTokens`. */
export function titleTokens(title: string): string[] {
  return [...new Set(words(title))].slice(0, TOKENS_PER_TITLE);
}

/**
 * The tokens of a search: a title matches when each is a prefix of one of its tokens, so
 * "brû ana" finds "Brûlée and ananas" but not "Banana brûlée" (a match starts a word). An empty
 * list (a search of punctuation only) matches nothing.
 */
export function searchTokens(q: string): string[] {
  const all = [...new Set(words(q))];
  // A token that is a prefix of another adds nothing ("bru brulee" is "brulee").
  return all.filter((t) => !all.some((o) => o !== t && o.startsWith(t))).slice(0, 8);
}

/** Whether a title's tokens match a search's (the in-memory form of the database query). */
export function matchesSearch(tokens: readonly string[], search: readonly string[]): boolean {
  return search.every((s) => tokens.some((t) => t.startsWith(s)));
}
