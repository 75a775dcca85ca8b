import { describe, expect, it } from 'vitest';
import { summarizeOutcome } from './outcome.js';
import type { RunResult } from './result.js';
import type { Workflow } from '../workflow/model.js';

function result(wallTime: number, serialTime: number): RunResult {
  return {
    runId: 'r', workflow: 'agents', status: 'succeeded', startedAt: '', finishedAt: '', tasks: [],
    metrics: { wallTime, serialTime, speedupVsSerial: Math.round((serialTime / wallTime) * 100) / 100, approvalWaitTime: 0, costEstimate: 0, costSpent: 0 },
    merged: { summary: '', conflicts: [] }, waits: [], reasons: [], logDir: '',
  };
}

describe('the one-line summary of a run', () => {
  it('gives the wall time as the summary and history do, hours and minutes for a long run, and the speedup to two places', () => {
    const long = result(5400, 21600);
    summarizeOutcome(long, { policy: {} } as Workflow, { budgetSkips: 0, refusedRetries: 0 });
    expect(long.merged.summary).toBe('agents succeeded: 0 of 0 tasks succeeded in 1h30m (4.00x vs serial)');
    const short = result(0.3, 1.26);
    summarizeOutcome(short, { policy: {} } as Workflow, { budgetSkips: 0, refusedRetries: 0 });
    expect(short.merged.summary).toBe('agents succeeded: 0 of 0 tasks succeeded in 0.3s (4.20x vs serial)');
  });
});
