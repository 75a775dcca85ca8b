import { UsageError } from '../errors.js';
import { planReuse } from '../run/plan-reuse.js';
import type { Database } from '../store/open-store.js';
import { getRun, latestRun, succeededTasks } from '../store/queries.js';
import type { Workflow } from '../workflow/model.js';

/**
 * `--resume [RUN_ID]`: the run to resume (the given one, or the latest of this
 * workflow file unless it succeeded) and the tasks that need not run again.
 */
export function resolveResume(db: Database, workflow: Workflow, option: string | true): { from: string; reused: Map<number, Record<string, string>> } {
  const previous = typeof option === 'string' ? getRun(db, option) : latestRun(db, workflow.file);
  if (!previous) {
    throw new UsageError(typeof option === 'string' ? `--resume: no run "${option}" in the history` : `--resume: no run of ${workflow.file} in the history`);
  }
  if (typeof option !== 'string' && previous.status === 'succeeded') {
    throw new UsageError(`--resume: nothing to resume, the latest run of ${workflow.file} (${previous.id}) succeeded`);
  }
  if (previous.file !== workflow.file) throw new UsageError(`--resume: run ${previous.id} is of ${previous.file}, not of ${workflow.file}`);
  return { from: previous.id, reused: planReuse(workflow, succeededTasks(db, previous.id)) };
}
