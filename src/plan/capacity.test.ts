import { describe, expect, it } from 'vitest';
import { Capacity } from './capacity.js';

describe('Capacity holds (an API\'s Retry-After)', () => {
  it('keeps a held agent\'s tasks from starting until the hold ends, and no other task', () => {
    let now = 10;
    const capacity = new Capacity({ maxConcurrency: 4, agents: {}, resources: {} }, () => now);
    expect(capacity.timed).toBe(false);
    capacity.hold('api', 13);
    // An earlier hold does not shorten a later one.
    capacity.hold('api', 12);
    expect(capacity.timed).toBe(true);
    expect(capacity.blocker({ agent: 'api', resources: {} })).toBe('hold:api');
    expect(capacity.blocker({ agent: 'other', resources: {} })).toBeUndefined();
    expect(capacity.blocker({ resources: {} })).toBeUndefined();
    expect(capacity.nextRateRelease()).toEqual({ key: 'hold:api', at: 13 });
    expect(capacity.openRateKeys()).toEqual([]);
    now = 12.5;
    expect(capacity.blocker({ agent: 'api', resources: {} })).toBe('hold:api');
    now = 13;
    expect(capacity.blocker({ agent: 'api', resources: {} })).toBeUndefined();
    // Passed, it is let go once, where what waits on it is released, and then forgotten.
    expect(capacity.timed).toBe(true);
    expect(capacity.openRateKeys()).toEqual(['hold:api']);
    expect(capacity.openRateKeys()).toEqual([]);
    expect(capacity.timed).toBe(false);
    expect(capacity.nextRateRelease()).toBeUndefined();
  });

  it('names the sooner of a rate window and a hold as the next release', () => {
    let now = 0;
    const capacity = new Capacity({ maxConcurrency: 4, agents: {}, resources: {}, rates: { llm: { requests: 1, per: 5 } } }, () => now);
    capacity.acquire({ agent: 'llm', resources: {} });
    capacity.hold('api', 3);
    expect(capacity.nextRateRelease()).toEqual({ key: 'hold:api', at: 3 });
    now = 3;
    expect(capacity.openRateKeys()).toEqual(['hold:api']);
    expect(capacity.nextRateRelease()).toEqual({ key: 'rate:llm', at: 5 });
    // A held agent with a rate limit waits for the hold first.
    capacity.hold('llm', 8);
    now = 6;
    expect(capacity.blocker({ agent: 'llm', resources: {} })).toBe('hold:llm');
  });

  it('says when each rate window or hold frees (what plain progress says of a waiting task), and nothing for other keys', () => {
    let now = 0;
    const capacity = new Capacity({ maxConcurrency: 4, agents: { solo: 1 }, resources: {}, rates: { llm: { requests: 2, per: 10 } } }, () => now);
    expect(capacity.releaseAt('rate:llm')).toBeUndefined();
    capacity.acquire({ agent: 'llm', resources: {} });
    now = 4;
    capacity.acquire({ agent: 'llm', resources: {} });
    // Full: the oldest start leaves the window at 0 + 10.
    expect(capacity.releaseAt('rate:llm')).toBe(10);
    now = 10;
    expect(capacity.releaseAt('rate:llm')).toBeUndefined();
    capacity.hold('api', 13);
    expect(capacity.releaseAt('hold:api')).toBe(13);
    expect(capacity.releaseAt('hold:other')).toBeUndefined();
    expect(capacity.releaseAt('agent:solo')).toBeUndefined();
    expect(capacity.releaseAt('resource:gpu')).toBeUndefined();
  });
});
