import { describe, expect, it } from 'vitest';
import type { Workflow } from '../workflow/model.js';
import { load } from '../workflow/test-helpers.js';
import { afterFailure, type FailedAttempt } from './after-failure.js';

const workflow = load(`version: 1
tasks:
  flaky: { run: "true", retry: { maxAttempts: 3, delay: 2s, backoff: fixed, onExitCodes: [75] } }
`).workflow as Workflow;
const flaky = workflow.tasks[0]!;
const now = Date.parse('2026-11-26T10:00:00Z');
const failed = (extra: Partial<FailedAttempt> = {}): FailedAttempt => ({ attempt: 1, kind: 'exit-code', exitCode: 75, ...extra });

describe('what follows a failed attempt', () => {
  it('retries after the backoff, or after a longer Retry-After, while attempts and exit codes allow', () => {
    expect(afterFailure(flaky, failed(), { now })).toEqual({ next: 'retry', delaySeconds: 2 });
    expect(afterFailure(flaky, failed({ retryAfter: 30 }), { now })).toEqual({ next: 'retry', delaySeconds: 30 });
    expect(afterFailure(flaky, failed({ exitCode: 1 }), { now })).toEqual({ next: 'failed' });
    expect(afterFailure(flaky, failed({ attempt: 3 }), { now })).toEqual({ next: 'failed' });
  });

  it('fails instead of retrying when the retry would start after the workflow deadline', () => {
    expect(afterFailure(flaky, failed(), { now, deadline: now + 1_000 })).toEqual({ next: 'failed' });
    expect(afterFailure(flaky, failed(), { now, deadline: now + 3_000 })).toEqual({ next: 'retry', delaySeconds: 2 });
  });

  it('cancels an attempt the run stopped, and retries nothing while the run stops', () => {
    expect(afterFailure(flaky, failed({ kind: 'cancelled' }), { now, stopping: 'interrupt' })).toEqual({ next: 'cancelled', reason: 'interrupted' });
    expect(afterFailure(flaky, failed({ kind: 'cancelled' }), { now, stopping: 'timeout' })).toEqual({ next: 'cancelled', reason: 'workflow-timeout' });
    expect(afterFailure(flaky, failed(), { now, stopping: 'cascade' })).toEqual({ next: 'failed' });
  });
});
