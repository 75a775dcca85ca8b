import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { planExpansionReuse, planReuse } from '../run/plan-reuse.js';
import { openStore, type Database } from '../store/open-store.js';
import { statePath } from '../store/state-path.js';
import { attemptedTasks, latestRun, recordedInputs, succeededTasks, type RunRow } from '../store/queries.js';
import type { Workflow } from '../workflow/model.js';
import { stillRunning } from './run-liveness.js';
import { runNamed } from './run-name.js';

/** `--resume --dry-run`: the history, which must exist (a dry run creates none). Close it after use. */
export function existingHistory(workflow: Workflow, stateOption: string | undefined): Database {
  const path = statePath(workflow.dir, stateOption, workflow.stateFile);
  if (!existsSync(path)) throw new UsageError(`--resume: no run history at ${path}`);
  return openStore(path);
}

/**
 * `--resume [RUN_ID]`: the run to resume (the given one, or the latest of this
 * workflow file unless it succeeded), checked: of this file, not still running.
 */
export function runToResume(db: Database, workflow: Workflow, option: string | true): RunRow {
  const previous = typeof option === 'string' ? runNamed(db, option, '--resume: ') : latestRun(db, workflow.file);
  if (!previous) throw new UsageError(`--resume: no run of ${workflow.file} in the history`);
  if (typeof option !== 'string' && previous.status === 'succeeded') {
    throw new UsageError(`--resume: nothing to resume, the latest run of ${workflow.file} (${previous.id}) succeeded`);
  }
  if (previous.file !== workflow.file) throw new UsageError(`--resume: run ${previous.id} is of ${previous.file}, not of ${workflow.file}`);
  if (stillRunning(previous)) {
    throw new UsageError(`--resume: run ${previous.id} is still running (process ${previous.runner_pid}); wait for it to end or stop it (Ctrl-C) first`);
  }
  return previous;
}

/** The input values recorded with a run that can be used again (those that held no secret). */
export function reusableInputs(run: RunRow): Record<string, string> {
  return Object.fromEntries(Object.entries(recordedInputs(run)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * What a resume of `run` may skip: tasks that succeeded there, unchanged, with
 * the same inputs, and the expansions that succeeded there of a matrix from
 * outputs that runs again; and the summaries its successes wrote.
 */
export function reuseFrom(db: Database, workflow: Workflow, run: RunRow): { from: string; reused: Map<number, Record<string, string>>; reusedExpansions: Map<string, Record<string, string>>; reusedSummaries: Map<string, string> } {
  const succeeded = succeededTasks(db, run.id);
  const inputs = recordedInputs(run);
  const reused = planReuse(workflow, succeeded, inputs, attemptedTasks(db, run.id));
  const reusedSummaries = new Map([...succeeded].flatMap(([id, t]) => (t.summary !== null ? [[id, t.summary] as const] : [])));
  return { from: run.id, reused, reusedExpansions: planExpansionReuse(workflow, succeeded, reused, inputs), reusedSummaries };
}
