import type { LimitWait } from '../plan/waits.js';
import type { Workflow } from '../workflow/model.js';
import { summarizeOutcome } from './outcome.js';
import { HARMLESS_SKIPS, type RunResult, type RunStatus, type TaskResult, type TaskStatus } from './result.js';
import type { TaskState } from './task-state.js';
import { lengthOutside, type Span } from '../util/intervals.js';
import { roundCost } from '../util/round-cost.js';

export interface RunEnd {
  workflow: Workflow;
  runId: string;
  runDir: string;
  states: readonly TaskState[];
  included: (i: number) => boolean;
  startedAt: number;
  finishedAt: number;
  stopping?: 'cascade' | 'interrupt' | 'timeout';
  budgetSkips: number;
  refusedRetries: number;
  reasons: string[];
  waits: LimitWait[];
  costEstimate: number;
  spent: number;
}

/** The run's status: interrupted, failed (a task, gate, budget or deadline), or succeeded. */
function runStatus(end: RunEnd, tasks: TaskResult[]): RunStatus {
  if (end.stopping === 'interrupt') return 'cancelled';
  if (end.stopping === 'timeout' || end.budgetSkips || end.refusedRetries) return 'failed';
  if (tasks.some((t) => t.status === 'failed' && (!t.allowedFailure || t.gate))) return 'failed';
  if (tasks.some((t) => t.status === 'cancelled')) return 'failed';
  if (tasks.some((t) => t.status === 'skipped' && !HARMLESS_SKIPS.has(t.reason ?? ''))) return 'failed';
  return 'succeeded';
}

/** The result object of a finished run (orchestrate run --json, executeGraph). */
export function buildRunResult(end: RunEnd): RunResult {
  const { workflow } = end;
  const tasks: TaskResult[] = [];
  workflow.tasks.forEach((task, i) => {
    if (!end.included(i)) return;
    const s = end.states[i]!;
    tasks.push({
      id: task.id,
      agent: task.agent ?? null,
      status: s.state as TaskStatus,
      reason: s.reason === 'allowed' ? 'continue-on-error' : s.reason,
      startedAt: s.firstStart !== undefined ? new Date(s.firstStart).toISOString() : null,
      finishedAt: s.end !== undefined && s.firstStart !== undefined ? new Date(s.end).toISOString() : null,
      durationMs: s.firstStart !== undefined && s.end !== undefined ? s.end - s.firstStart : 0,
      queueWaitMs: Math.round(s.queueWaitMs),
      attempts: s.attempts,
      exitCode: s.exitCode,
      cost: s.cost,
      outputs: s.outputs,
      artifacts: s.state === 'succeeded' ? s.artifacts ?? [] : [],
      errors: s.errors,
      allowedFailure: s.reason === 'allowed',
      ...(s.approvedBy !== undefined ? { approvedBy: s.approvedBy } : {}),
      gate: task.gate,
      needs: task.needs.filter((id) => end.included(workflow.taskIndex.get(id)!)),
      ...(s.summary !== undefined ? { summary: s.summary, ...(s.summaryFile ? { summaryFile: s.summaryFile } : {}) } : {}),
      logTail: s.state === 'failed' ? s.tail : undefined,
      logFile: s.attempts ? s.logFile : undefined,
    });
  });
  // What running the tasks one at a time would take: their attempts and the retry delays between them, as the plan's serial counts them.
  // Whole milliseconds, as printed and as history keeps them: the speedup is the ratio of the two shown.
  const serialTime = Math.round(end.states.reduce((sum, s, i) => sum + (end.included(i) ? s.runMs + s.backoffMs : 0), 0)) / 1000;
  const wallTime = (end.finishedAt - end.startedAt) / 1000;
  // The time the run had nothing to do but wait for a person: a task awaited approval, and no task was
  // queued, running or waiting out a retry delay (a service counts until it is ready, then it only serves).
  const asked: Span[] = [];
  const busy: Span[] = [];
  end.states.forEach((s, i) => {
    if (!end.included(i)) return;
    if (s.askedAt !== undefined) asked.push([s.askedAt, s.answeredAt ?? s.end ?? end.finishedAt]);
    if (s.queuedAt !== undefined) busy.push([s.queuedAt, s.end ?? end.finishedAt]);
  });
  // To the hundredth, as it is shown: an approver that answers at once (a library's) leaves none to speak of.
  const approvalWaitTime = Math.round(lengthOutside(asked, busy) / 10) / 100;
  const result: RunResult = {
    runId: end.runId,
    workflow: workflow.name,
    status: runStatus(end, tasks),
    startedAt: new Date(end.startedAt).toISOString(),
    finishedAt: new Date(end.finishedAt).toISOString(),
    tasks,
    metrics: {
      wallTime: Math.round(wallTime * 1000) / 1000,
      serialTime,
      speedupVsSerial: wallTime > 0 ? Math.round((serialTime / wallTime) * 100) / 100 : 1,
      approvalWaitTime,
      costEstimate: roundCost(end.costEstimate),
      costSpent: roundCost(end.spent),
    },
    merged: { summary: '', conflicts: [] },
    waits: end.waits,
    reasons: end.reasons,
    logDir: end.runDir,
  };
  summarizeOutcome(result, workflow, end);
  return result;
}
