import { expansionsByMatrixTask } from '../workflow/expand-matrix.js';
import { projectRoot } from '../workflow/project-root.js';
import type { Workflow } from '../workflow/model.js';
import { needsFirst } from '../workflow/needs-order.js';
import type { TemplateRef } from '../workflow/templates.js';
import type { EngineOptions } from './engine-options.js';
import type { SecretMasker } from '../telemetry/mask.js';
import { recallMemo, serviceIds } from './memo-key.js';
import { RuntimeValues } from './runtime-values.js';
import { freshState } from './task-state.js';

/** Thrown while rendering a task that reads an output not known before the run. */
const UNANSWERED = Symbol('unanswered');

/**
 * The tasks with `memoize` that a run would not run, as far as that is known
 * before it: those whose inputs render without an output nobody knows yet —
 * none, or only outputs of tasks reused, up to date (`known`) or memoized
 * themselves — and that have a recorded success under their key, artifacts
 * still there. Needs first, so that an answer memoized upstream lets the
 * next prompt be known, as the run will find it. `why` gets the reason each
 * other task with `memoize` will run.
 */
export function planMemoized(workflow: Workflow, known: ReadonlyMap<number, Record<string, string>>, lookup: NonNullable<EngineOptions['memo']>, baseEnv: Readonly<Record<string, string | undefined>>, masker: Pick<SecretMasker, 'maskDeep'>, why?: Map<number, string>): Map<number, Record<string, string>> {
  const memoized = new Map<number, Record<string, string>>();
  if (!workflow.tasks.some((t) => t.memoize)) return memoized;
  // The run's own reading of templates, over the outputs known so far.
  const states = workflow.tasks.map(() => freshState());
  for (const [i, outputs] of known) states[i]!.outputs = outputs;
  const values = new RuntimeValues(workflow, states, baseEnv);
  let matrices: Map<string, number[]> | undefined;
  /** Whether every task whose outputs `ref` reads has answered (a whole matrix: all its expansions). */
  const answered = (ref: TemplateRef): boolean => {
    // How a task ends is known only once the run has run it.
    if (ref.kind === 'task-status') return false;
    if (ref.kind !== 'task-output') return true;
    const d = workflow.taskIndex.get(ref.task);
    const reads = d === undefined ? (matrices ??= expansionsByMatrixTask(workflow.tasks)).get(ref.task) : workflow.tasks[d]!.dynamicMatrix ? undefined : [d];
    return Boolean(reads?.length) && reads!.every((k) => known.has(k) || memoized.has(k));
  };
  const root = projectRoot(workflow.dir);
  const services = serviceIds(workflow.tasks);
  for (const i of needsFirst(workflow)) {
    const task = workflow.tasks[i]!;
    if (!task.memoize || task.dynamicMatrix || known.has(i)) continue;
    let outputs: Record<string, string> | undefined;
    try {
      ({ outputs } = recallMemo(task, (ref, env) => {
        if (!answered(ref)) throw UNANSWERED;
        return values.valueOf(ref, env);
      }, lookup, root, services, masker));
    } catch (caught) {
      // It reads an answer still to come: a key of guesses would find nothing, or the wrong answer.
      if (caught === UNANSWERED) {
        why?.set(i, 'its memo key reads answers still to come: the run looks it up then');
        continue;
      }
      throw caught;
    }
    if (!outputs) {
      // None at all, none young enough, or none whose artifacts are still there.
      why?.set(i, 'no success it could reuse is recorded under the same memo key');
      continue;
    }
    memoized.set(i, outputs);
    states[i]!.outputs = outputs;
  }
  return memoized;
}
