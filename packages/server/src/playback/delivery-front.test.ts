import { describe, expect, it } from 'vitest';
import { DECISION_SECONDS, decisionSeconds } from './delivery-front.js';

describe('decisionSeconds (how long nginx may reuse a "yes")', () => {
  const exp = 1_000_000;
  it('is the cap while the token has long to live', () => {
    expect(decisionSeconds(exp, (exp - 3600) * 1000)).toBe(DECISION_SECONDS);
  });
  it('ends before the token does, nginx keeping an entry through its last second', () => {
    expect(decisionSeconds(exp, (exp - 4) * 1000 + 999)).toBe(3);
    expect(decisionSeconds(exp, (exp - 2) * 1000)).toBe(1);
  });
  it('is 0 (not kept at all) under two seconds before expiry or after it', () => {
    expect(decisionSeconds(exp, (exp - 1) * 1000)).toBe(0);
    expect(decisionSeconds(exp, (exp - 1) * 1000 + 500)).toBe(0);
    expect(decisionSeconds(exp, (exp + 10) * 1000)).toBe(0);
  });
});
