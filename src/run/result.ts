import type { LimitWait } from '../plan/waits.js';
import type { FailureKind } from './attempt.js';

export type TaskStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'succeeded' | 'failed' | 'cancelled';

export interface TaskResult {
  id: string;
  agent: string | null;
  status: TaskStatus;
  /** Why a task was skipped or cancelled (e.g. `dependency-failed`, `budget`). */
  reason?: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** From the first attempt's start to the end of the last. */
  durationMs: number;
  /** Time spent ready but waiting for a slot, over all attempts. */
  queueWaitMs: number;
  attempts: number;
  exitCode: number | null;
  cost: number;
  outputs: Record<string, string>;
  artifacts: string[];
  errors: Array<{ attempt: number; message: string; kind: FailureKind }>;
  /** Whether the failure was allowed (`continueOnError`). */
  allowedFailure: boolean;
  /** A task with `approval` that was approved: who approved it. */
  approvedBy?: string;
  gate: boolean;
  needs: string[];
  /** What its last attempt wrote to $ORCHESTRATE_SUMMARY (Markdown, masked, at most 1 MB), and the file in the run's directory that holds it. */
  summary?: string;
  summaryFile?: string;
  /** Last lines of the log, for failed tasks. */
  logTail?: string[];
  logFile?: string;
}

export interface RunResult {
  runId: string;
  workflow: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  tasks: TaskResult[];
  metrics: {
    /** Seconds from start to end. */
    wallTime: number;
    /** Seconds: the sum of every attempt's duration. */
    serialTime: number;
    speedupVsSerial: number;
    /** Seconds in which the run only waited for a person: a task awaited approval and no other was queued, running or waiting to retry. */
    approvalWaitTime: number;
    costEstimate: number;
    costSpent: number;
  };
  merged: {
    summary: string;
    /** Artifacts written by tasks that ran at the same time. */
    conflicts: Array<{ artifact: string; tasks: string[] }>;
  };
  /** The limits ready tasks waited for in this run, most waited for first (as a plan's `waits`). */
  waits: LimitWait[];
  /** Why the run failed or was cancelled, in words. */
  reasons: string[];
  /** Where the logs and events are. */
  logDir: string;
}

/** Skips that say nothing went wrong: an `if: failure` task when nothing failed, a false `when`, and what needed them. */
export const HARMLESS_SKIPS: ReadonlySet<string> = new Set(['no-failure', 'dependency-skipped', 'condition']);
