import type { RunEvent } from '../telemetry/events.js';
import type { AttemptResult } from './attempt.js';
import type { TaskResult, TaskStatus } from './result.js';
import type { LongTimeout } from '../util/long-timeout.js';

/** `expanded`: a matrix from outputs whose expansions run; it ends when they have. `awaiting`: it waits for approval. */
export type State = 'pending' | 'awaiting' | 'queued' | 'running' | 'backoff' | 'expanded' | TaskStatus;

/** The states a task ends in. */
export const FINAL: ReadonlySet<State> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** What the engine knows of one task during a run. */
export interface TaskState {
  state: State;
  attempts: number;
  readyAt: number;
  queueWaitMs: number;
  firstStart?: number;
  end?: number;
  runMs: number;
  /** The retry delays it waited out between attempts (ms), and when the one it waits out now began. */
  backoffMs: number;
  backoffFrom?: number;
  exitCode: number | null;
  cost: number;
  reserved: number;
  outputs: Record<string, string>;
  /** The artifacts its successful attempt left (globs expanded). */
  artifacts?: string[];
  /** The fingerprint of its sources once it succeeded (or was up to date). */
  sources?: string;
  /** With `memoize`: what it is known by (memoKey), once it was ready. */
  memoKey?: string;
  errors: TaskResult['errors'];
  reason?: string;
  /** Skipped by its `when`: why a value it read was empty (an output never set), for its event. */
  skipNote?: string;
  tail?: string[];
  /** What its last attempt wrote to its summary (masked), and the file in the run's directory that holds it. */
  summary?: string;
  summaryFile?: string;
  /** The task's log file, once an attempt started. */
  logFile?: string;
  /** Failed, or skipped/cancelled because something upstream failed. */
  failureTainted: boolean;
  /** Aborts its running attempt, or (awaiting) its request for approval. */
  abort?: AbortController;
  kill?: AbortController;
  timer?: LongTimeout;
  /** A matrix expanded at run time: the indices of its expansions. */
  expansions?: number[];
  /** Why the run terminated its running attempt on its own (`fail-fast`): it ends cancelled so. */
  cancelling?: string;
  /** With `approval`: who approved it. */
  approvedBy?: string;
  /** With `approval`: when it asked, and when it was answered (ms of the runner's clock). */
  askedAt?: number;
  answeredAt?: number;
  /** When it first joined the ready queue: from then on it was the run's work, not a person's. */
  queuedAt?: number;
  /** A service whose attempt succeeded: its process goes on (its success says so). */
  serviceUp?: boolean;
}

/** A task's state before the run gets to it. */
export function freshState(): TaskState {
  return { state: 'pending', attempts: 0, readyAt: 0, queueWaitMs: 0, runMs: 0, backoffMs: 0, exitCode: null, cost: 0, reserved: 0, outputs: {}, errors: [], failureTainted: false };
}

/** The fields of a task's terminal event (`task.succeeded`, ...), from its state as it ends. */
export function endEventFields(s: TaskState, status: TaskStatus, reason?: string): Partial<RunEvent> {
  const last = s.errors[s.errors.length - 1];
  const fields: Partial<RunEvent> = { attempt: s.attempts || undefined, durationMs: s.firstStart !== undefined ? s.end! - s.firstStart : 0, queueWaitMs: Math.round(s.queueWaitMs) };
  if (status === 'succeeded') Object.assign(fields, { exitCode: s.exitCode, cost: s.cost, outputs: s.outputs, ...(reason ? { reason } : {}), ...(s.sources ? { sources: s.sources } : {}), ...(s.memoKey ? { memoKey: s.memoKey } : {}), ...(s.serviceUp ? { service: true } : {}) });
  if (status === 'failed') Object.assign(fields, { exitCode: s.exitCode, cost: s.cost, errorKind: last?.kind, reason: reason === 'allowed' ? `${last?.message ?? 'failed'} (continueOnError)` : last?.message ?? reason, ...(s.tail?.length ? { logTail: s.tail } : {}) });
  if (status === 'skipped' || status === 'cancelled') fields.reason = reason;
  if (status === 'skipped' && s.skipNote !== undefined) fields.message = s.skipNote;
  if (s.summary !== undefined) fields.summary = s.summary;
  return fields;
}

/** Its retry delay has ended (it is queued again, or ends while waiting): the time waited counts in the run's serial time. */
export function endBackoff(s: TaskState, now: number): void {
  if (s.backoffFrom === undefined) return;
  s.backoffMs += now - s.backoffFrom;
  s.backoffFrom = undefined;
}

/** What an ended attempt leaves in its task's state (its cost is the engine's to settle). */
export function recordAttempt(s: TaskState, result: AttemptResult): void {
  s.runMs += result.durationMs;
  s.exitCode = result.exitCode;
  s.outputs = result.outputs;
  s.tail = result.tail;
  s.summary = result.summary;
  s.abort = undefined;
  s.kill = undefined;
}
