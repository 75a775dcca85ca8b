import { expansionsByMatrixTask } from '../workflow/expand-matrix.js';
import type { Workflow } from '../workflow/model.js';
import { needsFirst } from '../workflow/needs-order.js';
import { outputAt, type TemplateRef } from '../workflow/templates.js';
import { findArtifacts } from './artifacts.js';
import { renderedTask } from './attempt-request.js';
import type { EngineOptions } from './engine-options.js';
import { memoKey } from './memo-key.js';

/**
 * The tasks with `memoize` that a run would not run, as far as that is known
 * before it: those whose inputs render without an output nobody knows yet —
 * none, or only outputs of tasks reused, up to date (`known`) or memoized
 * themselves — and that have a recorded success under their key, artifacts
 * still there. Needs first, so that an answer memoized upstream lets the
 * next prompt be known, as the run will find it.
 */
export function planMemoized(workflow: Workflow, known: ReadonlyMap<number, Record<string, string>>, lookup: NonNullable<EngineOptions['memo']>, baseEnv: Readonly<Record<string, string | undefined>>): Map<number, Record<string, string>> {
  const memoized = new Map<number, Record<string, string>>();
  if (!workflow.tasks.some((t) => t.memoize)) return memoized;
  const outputsOf = (i: number | undefined) => (i === undefined ? undefined : known.get(i) ?? memoized.get(i));
  let matrices: Map<string, number[]> | undefined;
  for (const i of needsFirst(workflow)) {
    const task = workflow.tasks[i]!;
    if (!task.memoize || task.dynamicMatrix || known.has(i)) continue;
    let unknown = false;
    const valueOf = (ref: TemplateRef, env: Readonly<Record<string, string>>): string | undefined => {
      if (ref.kind === 'env') return env[ref.key] ?? baseEnv[ref.key] ?? '';
      if (ref.kind !== 'task-output') return undefined;
      const d = workflow.taskIndex.get(ref.task);
      // A whole matrix's outputs are a list of its expansions' (as the run gives them): known when all are.
      const expansions = d === undefined ? (matrices ??= expansionsByMatrixTask(workflow.tasks)).get(ref.task) : [d];
      const outputs = expansions?.map(outputsOf);
      if (!outputs?.length || outputs.some((o) => o === undefined)) {
        unknown = true;
        return '';
      }
      const values = outputs.map((o) => o![ref.key] ?? '');
      return outputAt(d === undefined ? JSON.stringify(values) : values[0]!, ref.path);
    };
    const rendered = renderedTask(task, valueOf);
    if (unknown) continue;
    const outputs = lookup(memoKey(task, rendered), task.memoize.maxAge);
    if (outputs && !findArtifacts(task.artifacts, [], task.cwd).missing.length) memoized.set(i, outputs);
  }
  return memoized;
}
