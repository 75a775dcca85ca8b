import { resolve } from 'node:path';
import { definitionHashes } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';
import { findArtifacts } from './artifacts.js';
import { sameInputs } from './plan-reuse.js';
import { needIndices, needsFirst } from '../workflow/needs-order.js';
import { fingerprintMatched, matchSources } from './sources.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { visibleText } from '../util/visible-text.js';

/** A task's latest recorded end (skips not counted), with its run's inputs: what an up-to-date check compares. */
export interface LastEnd {
  status: string;
  hash: string;
  outputs: Record<string, string>;
  /** The fingerprint of its sources when it succeeded, if it has sources and ran (not reused). */
  sources: string | null;
  /** The inputs of that run; null for one that held a secret. */
  inputs: Record<string, string | null>;
  /** What it wrote to its summary (masked), if it did. */
  summary: string | null;
  /** When it ended (ISO-8601); its sources were fingerprinted then. */
  finishedAt: string | null;
}

export interface UpToDate {
  /** Its outputs when it last succeeded, for its dependents. */
  outputs: Record<string, string>;
  /** The fingerprint of its sources (unchanged). */
  sources: string;
  /** Its summary when it last succeeded, shown again. */
  summary?: string;
}

/**
 * Which tasks need not run because nothing they depend on changed, as make and
 * Taskfile decide: the task declares `sources`; its latest recorded end (in a
 * run of this file) is a success with the same definition hash and values of
 * the inputs it uses; its sources hold the same bytes as then; its artifacts
 * exist; and every task it needs is up to date too, or `reused` (a task
 * downstream of one that runs again may read what that one writes).
 * Fingerprints are read only for tasks that pass the other checks, before
 * anything runs: a task is only up to date when none of its needs ran.
 * `why` gets the reason each other task with sources runs.
 */
export async function planUpToDate(workflow: Workflow, last: ReadonlyMap<string, LastEnd>, reused: ReadonlyMap<number, unknown> = new Map(), why?: Map<number, string>): Promise<Map<number, UpToDate>> {
  const upToDate = new Map<number, UpToDate>();
  const hashes = definitionHashes(workflow);
  for (const i of needsFirst(workflow)) {
    const task = workflow.tasks[i]!;
    if (reused.has(i) || !task.sources.length) continue;
    // A service it needs is what it runs against, not what it reads: it does not make it run again.
    const stale = await staleBecause(workflow, i, last.get(task.id), hashes.get(task.id), (n) => upToDate.has(n) || reused.has(n) || workflow.tasks[n]!.service !== undefined);
    if (typeof stale === 'string') why?.set(i, stale);
    else upToDate.set(i, stale);
  }
  return upToDate;
}

/**
 * Why a task with sources runs (make's `-d`, Bazel's `--explain`): the first
 * check of planUpToDate it does not pass, in words; else it is up to date.
 */
async function staleBecause(workflow: Workflow, i: number, end: LastEnd | undefined, hash: string | undefined, fresh: (need: number) => boolean): Promise<string | UpToDate> {
  const task = workflow.tasks[i]!;
  const running = needIndices(workflow, i).find((n) => !fresh(n));
  if (running !== undefined) return `it needs ${workflow.tasks[running]!.id}, which runs`;
  if (!end) return 'no success of it is recorded';
  if (end.status !== 'succeeded') return `it ${end.status === 'failed' ? 'failed' : `ended ${end.status}`} the last time`;
  if (end.sources === null) return 'its last success did not read its sources (it was reused)';
  if (end.hash !== hash) return 'its definition changed';
  if (!sameInputs(workflow, task, end.inputs)) return 'an input it uses changed';
  const missing = findArtifacts(task.artifacts, [], task.cwd).missing;
  if (missing.length) return `its artifacts are missing: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}`;
  let matched;
  try {
    matched = matchSources(task.sources, task.cwd);
  } catch {
    return 'its sources could not be read';
  }
  // A name that is not UTF-8 reaches Node with a character replaced, and cannot be opened by that name: what it holds is not known.
  const unnamed = matched.files.find((file) => file.includes('\ufffd') && !statIfPresent(resolve(task.cwd, file)));
  if (unnamed !== undefined) return `a file of its sources has a name that is not UTF-8 text, whose content cannot be looked at (${JSON.stringify(unnamed)}): rename it`;
  const sources = await fingerprintMatched(matched, task.cwd);
  if (sources === undefined) return 'its sources could not be read';
  if (sources !== end.sources) return `its sources changed${newerSources(matched.files, task.cwd, end.finishedAt)}`;
  return { outputs: end.outputs, sources, ...(end.summary !== null ? { summary: end.summary } : {}) };
}

/**
 * Which of a task's sources changed, told as make tells it: the files
 * modified after its last success ended (`: src/a.ts is newer than its last
 * success`). The history keeps one fingerprint of all of them, so a file
 * removed, renamed or put back older shows no newer file, and that is said.
 */
function newerSources(files: readonly string[], cwd: string, finishedAt: string | null): string {
  const since = finishedAt === null ? NaN : Date.parse(finishedAt);
  if (Number.isNaN(since)) return '';
  const newer = files.filter((file) => (statIfPresent(resolve(cwd, file))?.mtimeMs ?? 0) > since);
  if (!newer.length) return ', though no file is newer than its last success: one was removed, renamed or put back older';
  // A file's name may hold a newline or a terminal escape: it is shown escaped, on one line.
  const named = newer.length > 3 ? [...newer.slice(0, 3).map(visibleText), `${newer.length - 3} more`] : newer.map(visibleText);
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
  return `: ${list} ${newer.length === 1 ? 'is' : 'are'} newer than its last success`;
}
