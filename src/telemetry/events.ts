import type { LimitWait } from '../plan/waits.js';
/** The telemetry event types (schemas/events.schema.json). */
export type EventType =
  | 'workflow.started'
  | 'task.waiting'
  | 'task.approved'
  | 'task.queued'
  | 'task.started'
  | 'task.retrying'
  | 'task.heartbeat'
  | 'task.succeeded'
  | 'task.failed'
  | 'task.skipped'
  | 'task.cancelled'
  | 'task.stopped'
  | 'workflow.finished';

export interface RunEvent {
  /** ISO-8601 time. */
  ts: string;
  runId: string;
  type: EventType;
  taskId?: string;
  attempt?: number;
  durationMs?: number;
  queueWaitMs?: number;
  exitCode?: number | null;
  reason?: string;
  cost?: number;
  /** workflow.finished: the attempts' run times and the retry delays between them added up (the run's serial time). */
  serialMs?: number;
  /** workflow.finished: the part of the run's wall time it only waited for a person (an approval); absent when none. */
  approvalWaitMs?: number;
  /** task.retrying: delay before the next attempt. */
  delayMs?: number;
  /** task.retrying: the agent the attempt's Retry-After holds (its other tasks wait as long). */
  holds?: string;
  /** task.retrying / task.failed: the kind of failure. */
  errorKind?: string;
  /** task.succeeded, task.failed, task.cancelled: what its last attempt wrote to its summary (Markdown, masked); for a task that did not run, the summary of the success it stands for. */
  summary?: string;
  /** task.retrying, task.failed: the last lines of the failed attempt (masked, as the summary shows them). */
  logTail?: string[];
  /** task.succeeded: the task's outputs (masked). */
  outputs?: Record<string, string>;
  /** task.succeeded: the fingerprint of the task's sources (when it has sources and ran, or was up to date). */
  sources?: string;
  /** task.succeeded: the memo key of a task with `memoize` (when it ran, or was memoized). */
  memoKey?: string;
  /** workflow.started: the value of each input (masked), when the workflow has inputs. */
  inputs?: Record<string, string>;
  /** task.waiting: the question of a task that waits for approval (masked). */
  message?: string;
  /** task.approved: who approved it. */
  by?: string;
  /** task.succeeded: a service that is up (its process goes on; a task.stopped follows once it has ended). */
  service?: boolean;
  /** workflow.finished: the limits ready tasks waited for, most waited for first (the result's `waits`), when any did. */
  waits?: LimitWait[];
  /** workflow.started / finished. */
  workflow?: string;
  status?: string;
  tasks?: number;
  concurrency?: number;
}

export type EventListener = (event: RunEvent) => void;
