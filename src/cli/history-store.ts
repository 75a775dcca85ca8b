import { existsSync } from 'node:fs';
import { definitionHashes, expansionHash } from '../workflow/definition-hash.js';
import { lastExpansions } from '../store/last-expansions.js';
import type { RecordedExpansions } from '../plan/plan.js';
import type { Workflow } from '../workflow/model.js';
import { openStore, type Database } from '../store/open-store.js';
import { historyCosts, historyEstimates, historyFailureEstimates, historyRetryTimes } from '../store/history-estimates.js';
import { lastEnds, latestRunOfWorkflow, memoOutputs } from '../store/queries.js';
import { STDIN } from '../workflow/stdin.js';
import { planMemoized } from '../run/plan-memo.js';
import { workflowMasker } from '../telemetry/mask.js';
import { planUpToDate, type UpToDate } from '../run/up-to-date.js';
import { loadConfig } from '../workflow/load-config.js';
import { projectRoot } from '../workflow/project-root.js';
import { UsageError } from '../errors.js';
import { dirname, resolve } from 'node:path';
import { statePath } from '../store/state-path.js';
import { defaultFile } from './default-workflow.js';

/**
 * The history of a workflow for planning: estimates from past runs (`failed`:
 * those taken from failures, of tasks that never succeeded there and have no
 * estimate of their own) and the time retries took there (`retryTimes`; in their failed runs for those), what
 * a run of each task cost there while it declared the cost it declares now (`costs`), and with
 * `upToDate` the tasks whose sources did not change (besides those a resume
 * reuses) and the memoized tasks whose answer is known before the run, with
 * why each other task with sources or `memoize` runs (`stale`); and what each
 * matrix from outputs expanded to in its latest run that expanded it
 * (`expansions`), whose own estimates are among the others. Opens
 * the store when it exists (or when `create`), so that `plan` never creates one.
 */
export async function workflowHistory(workflow: Workflow, option?: string, create = false, upToDate?: { reused?: ReadonlyMap<number, Record<string, string>> }): Promise<{ db?: Database; estimates?: Map<string, number>; failed?: Set<string>; retryTimes?: Map<string, number>; costs?: Map<string, number>; upToDate?: Map<number, UpToDate>; stale?: Map<number, string>; memoized?: Map<number, Record<string, string>>; expansions?: Map<string, RecordedExpansions> }> {
  const path = statePath(workflow.dir, option, workflow.stateFile);
  if (!create && !existsSync(path)) return {};
  const db = openStore(path, create ? 'write' : 'read');
  const taskHashes = definitionHashes(workflow);
  const groups = new Set(workflow.tasks.filter((t) => t.dynamicMatrix).map((t) => t.id));
  const expansions = lastExpansions(db, workflow.name, new Map([...groups].map((id) => [id, taskHashes.get(id)!])));
  // The expansions a plan counts have a history of their own, found by their hashes as a task's is.
  const hashes = new Map(taskHashes);
  for (const [group, { ids }] of expansions) for (const id of ids) hashes.set(id, expansionHash(taskHashes.get(group)!, id));
  const estimates = historyEstimates(db, workflow.name, hashes);
  // A task with no estimate of its own that has only failed so far is planned at what its failures took.
  const unestimated = new Set(workflow.tasks.filter((t) => t.estimateSource === 'default').flatMap((t) => [t.id, ...expansions.get(t.id)?.ids ?? []]).filter((id) => !estimates.has(id)));
  const fromFailures = historyFailureEstimates(db, workflow.name, hashes, unestimated);
  for (const [id, seconds] of fromFailures) estimates.set(id, seconds);
  const retryTimes = historyRetryTimes(db, workflow.name, hashes);
  // Such a task is likely to do all its attempts again: what those before the last added in its failed runs counts too.
  if (fromFailures.size) {
    for (const [id, seconds] of historyRetryTimes(db, workflow.name, hashes, 10, 'failed')) if (fromFailures.has(id)) retryTimes.set(id, seconds);
  }
  const costs = historyCosts(db, workflow.name, taskHashes, new Map(workflow.tasks.map((t) => [t.id, t.cost])), 10, groups);
  let fresh: Map<number, UpToDate> | undefined;
  let memoized: Map<number, Record<string, string>> | undefined;
  const stale = upToDate && new Map<number, string>();
  try {
    fresh = upToDate && await upToDateFromHistory(db, workflow, upToDate.reused, stale);
    memoized = upToDate && memoizedFromHistory(db, workflow, upToDate.reused, fresh, stale);
  } finally {
    if (!create) db.close();
  }
  const failed = new Set(fromFailures.keys());
  return create ? { db, estimates, failed, retryTimes, costs, upToDate: fresh, stale, memoized, expansions } : { estimates, failed, retryTimes, costs, upToDate: fresh, stale, memoized, expansions };
}

/** The memoized tasks (planMemoized) against the run history, given what a resume reuses and what is up to date. */
export function memoizedFromHistory(db: Database, workflow: Workflow, reused?: ReadonlyMap<number, Record<string, string>>, upToDate?: ReadonlyMap<number, UpToDate>, why?: Map<number, string>): Map<number, Record<string, string>> {
  const known = new Map(reused);
  for (const [i, fresh] of upToDate ?? []) known.set(i, fresh.outputs);
  const now = Date.now();
  return planMemoized(workflow, known, (key, maxAge) => memoOutputs(db, key, maxAge, now), process.env, workflowMasker(workflow), why);
}

/** The ids of tasks by index (up to date, reused). */
export function idsOf(workflow: Workflow, tasks: ReadonlyMap<number, unknown> | undefined): Set<string> | undefined {
  return tasks && new Set([...tasks.keys()].map((i) => workflow.tasks[i]!.id));
}

/**
 * The history database for commands that name no workflow file (history,
 * events, report, stats): `--state`, else the config file's `state` found
 * from `near`, else `.orchestrate/state.db` of the project — or, from a
 * subdirectory of a project without .git or package.json, that of the
 * default workflow found above it (defaultFile), which is where `run` from
 * there kept its runs. It must exist.
 */
export async function existingStatePath(near: string, option?: string): Promise<string> {
  const found = await findStatePath(near, option);
  if (found.exists) return found.path;
  throw new UsageError(`no run history at ${found.path} (run a workflow first, or pass --state PATH)`);
}

/** A `--state` database that is not there: more likely mistyped than new, so an error for every command. */
export function missingStateFile(path: string): UsageError {
  return new UsageError(`no run history at ${path} (--state names a database that is not there)`);
}

/**
 * The history database as existingStatePath finds it, for commands to which
 * none yet is no runs yet (history, stats, prune): whether it exists. One
 * named with `--state` must: a path that is not there is more likely mistyped.
 */
export async function findStatePath(near: string, option?: string): Promise<{ path: string; exists: boolean }> {
  let configured: string | undefined;
  if (!option) {
    const loaded = await loadConfig(near);
    if (loaded.config.state && loaded.file) configured = resolve(dirname(loaded.file), loaded.config.state);
  }
  const path = statePath(projectRoot(near), option, configured);
  if (existsSync(path)) return { path, exists: true };
  if (option) throw missingStateFile(path);
  const workflow = !configured && resolve(near) === process.cwd() ? defaultFile() : undefined;
  const there = workflow === undefined ? undefined : statePath(projectRoot(dirname(resolve(workflow))));
  if (there !== undefined && existsSync(there)) return { path: there, exists: true };
  return { path, exists: false };
}

/**
 * The workflow file a `[file]` argument of history, stats or prune names: the
 * file itself when it is there, else the file of the latest run recorded of a
 * workflow so named — its `name`, its path (a file removed since), or a path
 * that ends so (`ci.yaml`) — as where a run id goes; else the argument as given.
 */
export async function recordedWorkflowFile(given: string, option?: string): Promise<string> {
  if (given === STDIN || existsSync(given)) return given;
  const found = await findStatePath(process.cwd(), option);
  if (!found.exists) return given;
  const db = openStore(found.path, 'read');
  try {
    const recorded = latestRunOfWorkflow(db, given, resolve(given))?.file;
    // A file removed since is still named as given.
    return recorded === undefined || recorded === resolve(given) ? given : recorded;
  } finally {
    db.close();
  }
}

/** The tasks of a workflow that are up to date (planUpToDate) against its run history: the latest ends of those with sources. */
export async function upToDateFromHistory(db: Database, workflow: Workflow, reused?: ReadonlyMap<number, unknown>, why?: Map<number, string>): Promise<Map<number, UpToDate>> {
  const withSources = workflow.tasks.filter((t) => t.sources.length).map((t) => t.id);
  if (!withSources.length) return new Map();
  return planUpToDate(workflow, lastEnds(db, workflow.file, withSources), reused, why);
}

/** A map by task index as one by task id (for a plan). */
export function byId<T>(workflow: Workflow, tasks: ReadonlyMap<number, T> | undefined): Map<string, T> | undefined {
  return tasks && new Map([...tasks].map(([i, value]) => [workflow.tasks[i]!.id, value]));
}
