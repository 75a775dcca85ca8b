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
  });
});
