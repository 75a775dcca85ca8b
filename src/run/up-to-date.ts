import { definitionHashes } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';
import { findArtifacts } from './artifacts.js';
import { sameInputs } from './plan-reuse.js';
import { needIndices, needsFirst } from '../workflow/needs-order.js';
import { fingerprintSources } from './sources.js';

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
 */
export async function planUpToDate(workflow: Workflow, last: ReadonlyMap<string, LastEnd>, reused: ReadonlyMap<number, unknown> = new Map()): Promise<Map<number, UpToDate>> {
  const upToDate = new Map<number, UpToDate>();
  const hashes = definitionHashes(workflow);
  for (const i of needsFirst(workflow)) {
    const task = workflow.tasks[i]!;
    if (reused.has(i) || !task.sources.length || !needIndices(workflow, i).every((n) => upToDate.has(n) || reused.has(n))) continue;
    const end = last.get(task.id);
    if (!end || end.status !== 'succeeded' || end.sources === null || end.hash !== hashes.get(task.id) || !sameInputs(workflow, task, end.inputs)) continue;
    if (findArtifacts(task.artifacts, [], task.cwd).missing.length) continue;
    const sources = await fingerprintSources(task.sources, task.cwd);
    if (sources !== undefined && sources === end.sources) upToDate.set(i, { outputs: end.outputs, sources, ...(end.summary !== null ? { summary: end.summary } : {}) });
  }
  return upToDate;
}
