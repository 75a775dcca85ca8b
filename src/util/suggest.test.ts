import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './suggest.js';

describe('didYouMean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('tset', 'test')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests close keys and stems, not unrelated words', () => {
    expect(didYouMean('fairnes', ['fairness', 'retry'])).toBe('fairness');
    expect(didYouMean('retries', ['retry', 'run'])).toBe('retry');
    expect(didYouMean('tset', ['test', 'build'])).toBe('test');
    expect(didYouMean('Needs', ['needs'])).toBe('needs');
    expect(didYouMean('zebra', ['needs', 'run', 'agent'])).toBeUndefined();
    // A one-letter id is no typo of another: every character would change.
    expect(didYouMean('b', ['a'])).toBeUndefined();
    expect(didYouMean('b', ['a', 'bc'])).toBe('bc');
    expect(didYouMean('bb', ['b'])).toBe('b');
  });
});
