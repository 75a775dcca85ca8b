import type { TaskSpec } from '../workflow/model.js';
import type { FailureKind } from './attempt.js';
import { cancelReason, type Stopping } from './readiness.js';
import { isRetryable, retryDelay } from './retry.js';

/** What follows a failed attempt. */
export type AfterFailure =
  | { next: 'cancelled'; reason: string }
  | { next: 'retry'; delaySeconds: number }
  | { next: 'failed' };

export interface FailedAttempt {
  /** Its number, 1-based. */
  attempt: number;
  kind: FailureKind;
  exitCode: number | null;
  /** Seconds its `retry-after` output said to wait (retryAfterSeconds), if it set one. */
  retryAfter?: number;
}

export interface RunMoment {
  stopping?: Stopping;
  /** Milliseconds since the epoch. */
  now: number;
  deadline?: number;
  seed?: number;
}

/**
 * After a failed attempt: cancelled when the run itself stopped it; another
 * attempt when the retry policy allows one that starts before the workflow
 * deadline, after the backoff or the attempt's Retry-After, whichever is
 * longer; else the task's final failure.
 */
export function afterFailure(task: TaskSpec, failed: FailedAttempt, run: RunMoment): AfterFailure {
  if (failed.kind === 'cancelled' && run.stopping !== undefined) return { next: 'cancelled', reason: cancelReason(run.stopping) };
  // An attempt told to come back later (an API's Retry-After) waits that long at least.
  const delaySeconds = Math.max(retryDelay(task.retry, failed.attempt, task.id, run.seed), failed.retryAfter ?? 0);
  const startsAfterDeadline = run.deadline !== undefined && run.now + delaySeconds * 1000 >= run.deadline;
  if (!run.stopping && isRetryable(task.retry, failed.attempt, failed.kind, failed.exitCode) && !startsAfterDeadline) return { next: 'retry', delaySeconds };
  return { next: 'failed' };
}
