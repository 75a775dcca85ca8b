import type { ReportData } from '../store/queries.js';

/**
 * How many failed tasks a report shows the last lines of (each at most 20
 * lines of 500 characters), in task order: a run of thousands of failures
 * still makes a page a browser opens; the rest are in their logs.
 */
export const REPORT_TAILS = 1000;

/** A task's last attempt that did not succeed: which, why, and its last lines. */
export interface LastFailure {
  attempt: number;
  message: string | null;
  tail: string[];
}

/** A failure's last lines without the runner's closing note (`attempt 2 failed: exit code 1`), for where its reason is said beside them. */
export function printedLines(tail: readonly string[]): string[] {
  return tail.length && /^attempt \d+ failed: /.test(tail[tail.length - 1]!) ? tail.slice(0, -1) : [...tail];
}

/** Why a failed task failed, as the summary says it: `attempt 2 of 2: exit code 4`. */
export function whyItFailed(task: ReportData['tasks'][number], last: LastFailure | undefined): string {
  return `attempt ${last?.attempt ?? task.attempts} of ${task.attempts}: ${last?.message ?? task.reason ?? 'failed'}`;
}

/** Each task's last attempt that failed or was cancelled, by task id (the attempts in the order they started). */
export function lastFailures(attempts: ReportData['attempts']): Map<string, LastFailure> {
  const last = new Map<string, LastFailure>();
  for (const a of attempts) if (a.status !== 'succeeded' && a.status !== 'running') last.set(a.taskId, { attempt: a.attempt, message: a.errorMessage, tail: a.tail });
  return last;
}
