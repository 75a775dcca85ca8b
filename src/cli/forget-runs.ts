import { existsSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { runDirectory } from '../run/run-dir.js';
import type { Database } from '../store/open-store.js';
import { deleteRuns, runsBeyond } from '../store/prune.js';
import type { Workflow } from '../workflow/model.js';
import { stillRunning } from './run-liveness.js';

/** A recorded run's log directory, if it is where runs put theirs and still there (a run id is never a path). */
function recordedRunDirectory(file: string, runId: string): string | undefined {
  if (!/^[A-Za-z0-9-]+$/.test(runId)) return undefined;
  const dir = runDirectory(dirname(file), runId);
  return basename(dirname(dir)) === 'runs' && existsSync(dir) ? dir : undefined;
}

/** The log directories of recorded runs that are still there (recordedRunDirectory). */
export function runDirectories(runs: ReadonlyArray<{ id: string; file: string }>): string[] {
  return runs.map((run) => recordedRunDirectory(run.file, run.id)).filter((dir): dir is string => dir !== undefined);
}

/** Forgets runs: their rows in the history, then their log directories (`dirs`, runDirectories of them). */
export function forgetRuns(db: Database, runs: ReadonlyArray<{ id: string; file: string }>, dirs = runDirectories(runs)): void {
  deleteRuns(db, runs.map((run) => run.id));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * A workflow's `retention` (the config file's), applied as a run of it ends:
 * forgets its file's runs past the latest `maxRuns` or started longer than
 * `maxAge` ago — never `current`, the run just made, nor one whose runner
 * still runs. Returns how many it forgot.
 */
export function applyRetention(db: Database, workflow: Pick<Workflow, 'file' | 'retention'>, current: string, now = Date.now()): number {
  const { maxRuns, maxAge } = workflow.retention ?? {};
  if (maxRuns === undefined && maxAge === undefined) return 0;
  const cutoff = maxAge === undefined ? -Infinity : now - maxAge * 1000;
  // Its file's runs, newest first.
  const runs = runsBeyond(db, 0, workflow.file).filter((run, k) => run.id !== current && (k >= (maxRuns ?? Infinity) || Date.parse(run.started_at) < cutoff) && !stillRunning(run));
  forgetRuns(db, runs);
  return runs.length;
}
