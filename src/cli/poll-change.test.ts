import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollForChange } from './poll-change.js';

describe('pollForChange', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** How many snapshots are taken in `ms` of fake time when each takes `cost` ms, and whether a change was seen. */
  function looks(cost: number, ms: number, changeAt = Infinity): { taken: number; changed: boolean } {
    vi.useFakeTimers();
    const start = Date.now();
    let clock = 0;
    let taken = 0;
    let changed = false;
    const stop = pollForChange(() => {
      taken++;
      clock += cost;
      return Date.now() - start >= changeAt ? 'after' : 'before';
    }, 'before', () => {
      changed = true;
    }, () => clock);
    vi.advanceTimersByTime(ms);
    stop();
    return { taken, changed };
  }

  it('looks every 0.3 s while looking is cheap', () => {
    expect(looks(1, 3_000).taken).toBe(10);
  });

  it('looks less often when a look is slow, so that looking takes a tenth of the time', () => {
    // 200 ms a look: every 2 s, not every 0.3 s (10 looks in 20 s, not 66).
    expect(looks(200, 20_000).taken).toBe(10);
  });

  it('says when the snapshot changed, and then looks no more', () => {
    const seen = looks(1, 5_000, 1_000);
    expect(seen.changed).toBe(true);
    expect(seen.taken).toBe(4);
  });

  it('stops when told', () => {
    vi.useFakeTimers();
    let taken = 0;
    const stop = pollForChange(() => String(++taken), '0', () => undefined);
    stop();
    vi.advanceTimersByTime(5_000);
    expect(taken).toBe(0);
  });
});
