import type { RunResult, TaskResult } from './result.js';

/** A task's result that succeeded in 1 s, with `extra` over it (tests only). */
export function taskResult(id: string, extra: Partial<TaskResult> = {}): TaskResult {
  return {
    id, agent: null, status: 'succeeded', startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:00:01.000Z', durationMs: 1000,
    queueWaitMs: 0, attempts: 1, exitCode: 0, cost: 0, outputs: {}, artifacts: [], errors: [], allowedFailure: false, gate: false, needs: [], ...extra,
  } as TaskResult;
}

/** A run's result of these tasks, run 20261126T100000Z-abcdef of workflow `w`, with `extra` over it (tests only). */
export function runResult(tasks: TaskResult[], extra: Partial<RunResult> = {}): RunResult {
  return {
    runId: '20261126T100000Z-abcdef', workflow: 'w', status: 'succeeded', startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:00:02.000Z', tasks,
    metrics: { wallTime: 2, serialTime: 3, speedupVsSerial: 1.5, approvalWaitTime: 0, costEstimate: 0, costSpent: 0 }, merged: { summary: 'ok', conflicts: [] },
    waits: [], reasons: [], logDir: '/tmp/x', ...extra,
  };
}
