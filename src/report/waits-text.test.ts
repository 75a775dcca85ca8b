import { describe, expect, it } from 'vitest';
import { limitLabel, waitingNowText } from './waits-text.js';

describe('limitLabel', () => {
  it('writes a rate window as a workflow would: whole hours and minutes as such, else seconds', () => {
    const rate = (per: number, capacity = 60) => limitLabel({ limit: 'rate', name: 'api', capacity, per });
    expect(rate(60)).toBe('agent api: 60 starts per 1m');
    expect(rate(3600, 1)).toBe('agent api: 1 start per 1h');
    expect(rate(7200)).toBe('agent api: 60 starts per 2h');
    expect(rate(90)).toBe('agent api: 60 starts per 90s');
    expect(rate(10, 2)).toBe('agent api: 2 starts per 10s');
    expect(rate(0.5, 1)).toBe('agent api: 1 start per 0.5s');
  });

  it('adds how long a rate window or a Retry-After still runs, when it does', () => {
    expect(waitingNowText({ limit: 'hold', name: 'api', freesIn: 40 })).toBe("agent api: its API's Retry-After, 40s more");
    expect(waitingNowText({ limit: 'agent', name: 'claude', capacity: 2 })).toBe('agent claude: concurrency 2');
  });
});
