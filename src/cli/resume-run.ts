import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from '../errors.js';
import { planExpansionReuse, planReuse } from '../run/plan-reuse.js';
import { openStore, type Database } from '../store/open-store.js';
import { statePath } from '../store/state-path.js';
import { getRun, latestRun, recordedInputs, succeededTasks, type RunRow } from '../store/queries.js';
import type { Workflow } from '../workflow/model.js';

/** Whether the run's runner is alive: unfinished, and its process on this machine still exists. */
export function stillRunning(run: RunRow): boolean {
  if (run.finished_at !== null || run.runner_pid === null || run.runner_host !== hostname() || run.runner_pid === process.pid) return false;
  try {
    process.kill(run.runner_pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A pid can be reused after the runner died (kill -9): on Linux, the start time tells them apart.
  const started = processStartedAt(run.runner_pid);
  return started === undefined || run.runner_started === null || Math.abs(started - run.runner_started) < 3000;
}

/** When a process started (ms since the epoch), from /proc on Linux; undefined elsewhere. */
function processStartedAt(pid: number): number | undefined {
  try {
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks of 1/100 s) counts after the command name, which may hold spaces.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(bootSeconds) && Number.isFinite(ticks) ? bootSeconds * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

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
  const previous = typeof option === 'string' ? getRun(db, option) : latestRun(db, workflow.file);
  if (!previous) {
    throw new UsageError(typeof option === 'string' ? `--resume: no run "${option}" in the history` : `--resume: no run of ${workflow.file} in the history`);
  }
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
 * outputs that runs again.
 */
export function reuseFrom(db: Database, workflow: Workflow, run: RunRow): { from: string; reused: Map<number, Record<string, string>>; reusedExpansions: Map<string, Record<string, string>> } {
  const succeeded = succeededTasks(db, run.id);
  const inputs = recordedInputs(run);
  const reused = planReuse(workflow, succeeded, inputs);
  return { from: run.id, reused, reusedExpansions: planExpansionReuse(workflow, succeeded, reused, inputs) };
}
