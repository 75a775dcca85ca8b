import { formatDuration } from '../util/duration.js';

/** What is said beside a run's wall time of the part it only waited for approval (` (2h01m of it waiting for approval)`); nothing when none. */
export function approvalWaitNote(seconds: number): string {
  return seconds > 0 ? ` (${formatDuration(seconds)} of it waiting for approval)` : '';
}
