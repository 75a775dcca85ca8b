import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../workflow/model.js';
import { isRetryable, retryAfterSeconds, retryDelay } from './retry.js';

const policy = (p: Partial<RetryPolicy>): RetryPolicy => ({ maxAttempts: 5, backoff: 'exponential', delay: 1, maxDelay: 60, jitter: 0, onExitCodes: [], onKinds: ['exit-code', 'timeout', 'invalid', 'spawn'], ...p });

describe('retry delays', () => {
  it('doubles with exponential backoff up to maxDelay', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => retryDelay(policy({}), a, 't'))).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });
  it('stays constant with fixed backoff', () => {
    expect([1, 2, 3].map((a) => retryDelay(policy({ backoff: 'fixed', delay: 0.5 }), a, 't'))).toEqual([0.5, 0.5, 0.5]);
  });
  it('spreads by jitter reproducibly with a seed', () => {
    const p = policy({ jitter: 0.2, backoff: 'fixed', delay: 10 });
    const first = [1, 2, 3].map((a) => retryDelay(p, a, 'task', 42));
    expect([1, 2, 3].map((a) => retryDelay(p, a, 'task', 42))).toEqual(first);
    for (const d of first) expect(d).toBeGreaterThanOrEqual(8), expect(d).toBeLessThanOrEqual(12);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(retryDelay(p, 1, 'task', 43)).not.toBe(first[0]);
  });
});

describe('isRetryable', () => {
  it('retries failures until maxAttempts, never cancellations', () => {
    expect(isRetryable(policy({ maxAttempts: 2 }), 1, 'exit-code', 1)).toBe(true);
    expect(isRetryable(policy({ maxAttempts: 2 }), 2, 'exit-code', 1)).toBe(false);
    expect(isRetryable(policy({}), 1, 'timeout', null)).toBe(true);
    expect(isRetryable(policy({}), 1, 'invalid', 0)).toBe(true);
    expect(isRetryable(policy({}), 1, 'cancelled', null)).toBe(false);
  });
  it('limits exit-code retries to onExitCodes', () => {
    const p = policy({ onExitCodes: [75] });
    expect(isRetryable(p, 1, 'exit-code', 75)).toBe(true);
    expect(isRetryable(p, 1, 'exit-code', 1)).toBe(false);
    expect(isRetryable(p, 1, 'timeout', null)).toBe(true);
  });
  it('retries only the kinds of failure onKinds names', () => {
    const p = policy({ onKinds: ['invalid', 'exit-code'], onExitCodes: [75] });
    expect(isRetryable(p, 1, 'invalid', 0)).toBe(true);
    expect(isRetryable(p, 1, 'timeout', null)).toBe(false);
    expect(isRetryable(p, 1, 'spawn', null)).toBe(false);
    expect(isRetryable(p, 1, 'exit-code', 75)).toBe(true);
    expect(isRetryable(p, 1, 'exit-code', 1)).toBe(false);
    expect(isRetryable(policy({ onKinds: ['timeout'] }), 1, 'cancelled', null)).toBe(false);
  });
});

describe('retry-after', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  it('reads seconds, durations and HTTP dates from the retry-after output', () => {
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30);
    expect(retryAfterSeconds({ 'retry-after': ' 1.5 ' }, now)).toBe(1.5);
    expect(retryAfterSeconds({ 'retry-after': '2m' }, now)).toBe(120);
    expect(retryAfterSeconds({ 'retry-after': 'Thu, 26 Nov 2026 10:01:30 GMT' }, now)).toBe(90);
    // A date already past: no wait beyond the backoff.
    expect(retryAfterSeconds({ 'retry-after': 'Thu, 26 Nov 2026 09:00:00 GMT' }, now)).toBe(0);
  });
  it('ignores what is not a wait', () => {
    for (const value of ['', 'soon', '-5', '***', 'never', '12 apples']) expect(retryAfterSeconds({ 'retry-after': value }, now), value).toBeUndefined();
    expect(retryAfterSeconds({}, now)).toBeUndefined();
    for (const key of ['retry', 'after', 'retry-after-ms', 'x-retry-after']) expect(retryAfterSeconds({ [key]: '30' }, now), key).toBeUndefined();
  });
  it('takes the header\'s name written as a script copies it: any case, or with _ or none for the -', () => {
    for (const key of ['Retry-After', 'RETRY-AFTER', 'retry_after', 'retryAfter', 'RetryAfter']) expect(retryAfterSeconds({ [key]: '30' }, now), key).toBe(30);
    // retry-after itself first.
    expect(retryAfterSeconds({ retryAfter: '5', 'retry-after': '30' }, now)).toBe(30);
  });
});
