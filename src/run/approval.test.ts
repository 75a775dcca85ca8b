import { afterEach, describe, expect, it, vi } from 'vitest';
import { askFor, type ApprovalDecision, type Approver } from './approval.js';

const request = (signal: AbortSignal) => ({ taskId: 'deploy', message: 'Deploy?', signal });

describe('askFor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects when nobody decides within the timeout, and stops the asking', async () => {
    vi.useFakeTimers();
    const asking = new AbortController();
    const decisions: ApprovalDecision[] = [];
    const never: Approver = () => new Promise(() => undefined);
    askFor(never, request(asking.signal), 90, asking, (d) => decisions.push(d));
    await vi.advanceTimersByTimeAsync(89_000);
    expect(decisions).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(decisions).toEqual([{ approved: false, reason: 'nobody decided within 1m30s' }]);
    expect(asking.signal.aborted).toBe(true);
  });

  it('waits out a timeout longer than Node timers hold (~24.8 days) before it rejects', async () => {
    vi.useFakeTimers();
    const asking = new AbortController();
    const decisions: ApprovalDecision[] = [];
    askFor(() => new Promise(() => undefined), request(asking.signal), 40 * 86_400, asking, (d) => decisions.push(d));
    await vi.advanceTimersByTimeAsync(39 * 86_400_000);
    expect(decisions).toEqual([]);
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(decisions).toEqual([{ approved: false, reason: expect.stringMatching(/^nobody decided within /) }]);
  });

  it('takes the answer that comes first, once: a decision in time drops the timeout', async () => {
    vi.useFakeTimers();
    const asking = new AbortController();
    const decisions: ApprovalDecision[] = [];
    let approve!: (d: ApprovalDecision) => void;
    askFor(() => new Promise((resolve) => (approve = resolve)), request(asking.signal), 60, asking, (d) => decisions.push(d));
    approve({ approved: true, by: 'alice' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(decisions).toEqual([{ approved: true, by: 'alice' }]);
    expect(asking.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('takes an approver that fails, at once or later, for a rejection saying why; stopping the asking drops the timeout', async () => {
    const decisions: ApprovalDecision[] = [];
    const throwing: Approver = () => {
      throw new Error('no terminal');
    };
    askFor(throwing, request(new AbortController().signal), undefined, new AbortController(), (d) => decisions.push(d));
    askFor(async () => Promise.reject(new Error('desk closed')), request(new AbortController().signal), undefined, new AbortController(), (d) => decisions.push(d));
    await new Promise((resolve) => setImmediate(resolve));
    expect(decisions).toEqual([{ approved: false, reason: 'Error: no terminal' }, { approved: false, reason: 'Error: desk closed' }]);
    vi.useFakeTimers();
    const asking = new AbortController();
    askFor(() => new Promise(() => undefined), request(asking.signal), 60, asking, (d) => decisions.push(d));
    asking.abort();
    expect(vi.getTimerCount()).toBe(0);
  });
});
