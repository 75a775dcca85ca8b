import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout } from './long-timeout.js';

describe('setLongTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits a delay longer than Node timers hold (Node fires those at once), in steps', () => {
    const fired = vi.fn();
    const days = 35 * 24 * 3600 * 1000;
    expect(days).toBeGreaterThan(MAX_TIMER_MS);
    setLongTimeout(fired, days);
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(days - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('fires a short delay as setTimeout does, and never when cleared, in any step', () => {
    const short = vi.fn();
    setLongTimeout(short, 50);
    vi.advanceTimersByTime(50);
    expect(short).toHaveBeenCalledOnce();
    const cleared = vi.fn();
    const long = setLongTimeout(cleared, 3 * MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 10);
    long.clear();
    vi.advanceTimersByTime(3 * MAX_TIMER_MS);
    expect(cleared).not.toHaveBeenCalled();
  });

  it('never fires for Infinity, and fires a negative delay at once', () => {
    const never = vi.fn();
    setLongTimeout(never, Infinity);
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(never).not.toHaveBeenCalled();
    const late = vi.fn();
    setLongTimeout(late, -5);
    vi.advanceTimersByTime(0);
    expect(late).toHaveBeenCalledOnce();
  });
});
