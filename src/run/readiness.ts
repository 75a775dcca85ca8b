import type { TaskSpec } from '../workflow/model.js';
import type { TaskStatus } from './result.js';
import type { TaskState } from './task-state.js';

/** Why a run starts nothing more: a failure under cascading cancellation, an interrupt, the workflow timeout. */
export type Stopping = 'cascade' | 'interrupt' | 'timeout';

/** The reason a task ends cancelled with when the run stops it. */
export function cancelReason(stopping: Stopping): string {
  return stopping === 'timeout' ? 'workflow-timeout' : stopping === 'interrupt' ? 'interrupted' : 'cancelled';
}

/** How a task ends without running; `tainted`: because something upstream failed. */
export interface NotRun {
  status: TaskStatus;
  reason: string;
  tainted?: boolean;
}

/** A need that lets `if: success` dependents run: it succeeded, or failed and was allowed to. */
const succeededForDependents = (s: TaskState) => s.state === 'succeeded' || (s.state === 'failed' && s.reason === 'allowed');

/** Whether a task still runs while the run stops so: cascading cancellation spares `if: failure` and `if: always` tasks (cleanup, notify), an interrupt and the workflow deadline those with `runOnInterrupt`. */
export function runsWhileStopping(task: TaskSpec, stopping: Stopping): boolean {
  if (stopping === 'cascade') return task.if !== 'success';
  return task.runOnInterrupt === true;
}

/**
 * Whether a task whose needs have all ended may run, as its `if` and the
 * run's stopping say; if not, how it ends. `needs`: their states in this run.
 */
export function readiness(task: TaskSpec, needs: readonly TaskState[], stopping: Stopping | undefined): NotRun | undefined {
  if (stopping !== undefined && !runsWhileStopping(task, stopping)) return { status: 'cancelled', reason: cancelReason(stopping) };
  const tainted = needs.some((s) => s.failureTainted);
  if (task.if === 'success' && !needs.every(succeededForDependents)) {
    const cancelled = needs.some((s) => s.state === 'cancelled');
    // A need skipped with nothing wrong (an `if: failure` task when all went well) skips this one too, harmlessly.
    return { status: 'skipped', reason: cancelled ? 'dependency-cancelled' : tainted ? 'dependency-failed' : 'dependency-skipped', tainted: tainted || cancelled };
  }
  if (task.if === 'failure' && !tainted) return { status: 'skipped', reason: 'no-failure' };
  return undefined;
}
