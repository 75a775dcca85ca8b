import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearMiss } from './suggest.js';

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

describe('nearMiss', () => {
  it('takes an edit or two (a quarter of the length) or another case, never a shared stem or the name itself', () => {
    expect(nearMiss('deplyo.sh', ['release.sh', 'deploy.sh'])).toBe('deploy.sh');
    expect(nearMiss('MYVR', ['MYVAR'])).toBe('MYVAR');
    expect(nearMiss('DeployPass', ['DEPLOYPASS'])).toBe('DEPLOYPASS');
    expect(nearMiss('DB_URL', ['DB_HOST', 'DB_URL'])).toBeUndefined();
    expect(nearMiss('ab', ['cd'])).toBeUndefined();
    expect(nearMiss('a', ['b'])).toBeUndefined();
  });
});
