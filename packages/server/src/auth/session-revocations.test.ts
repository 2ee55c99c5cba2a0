import { describe, expect, it } from 'vitest';
import { liveRevocations } from './session-revocations.js';

describe('liveRevocations', () => {
  it('keeps the sessions whose tokens may still be valid and drops the rest', () => {
    const live = liveRevocations(['a', '2000', 'b', '1000', 'c', '1500'], 1500);
    expect([...live.keys()]).toEqual(['a']);
    expect(live.get('a')).toBe(2000);
  });

  it('reads an empty or odd-length answer without inventing entries', () => {
    expect(liveRevocations([], 0).size).toBe(0);
    expect(liveRevocations(['a'], 0).size).toBe(0);
  });
});
