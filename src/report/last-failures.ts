import type { ReportData } from '../store/queries.js';

/** A task's last attempt that did not succeed: which, why, and its last lines. */
export interface LastFailure {
  attempt: number;
  message: string | null;
  tail: string[];
}

/** Each task's last attempt that failed or was cancelled, by task id (the attempts in the order they started). */
export function lastFailures(attempts: ReportData['attempts']): Map<string, LastFailure> {
  const last = new Map<string, LastFailure>();
  for (const a of attempts) if (a.status !== 'succeeded' && a.status !== 'running') last.set(a.taskId, { attempt: a.attempt, message: a.errorMessage, tail: a.tail });
  return last;
}
