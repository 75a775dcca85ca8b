import { evaluateCondition, staticValue } from '../workflow/condition.js';
import type { Workflow } from '../workflow/model.js';
import { needIndices, needsFirst } from '../workflow/needs-order.js';

/**
 * Why the plan counts a task as not running: a false `when`, `if: failure` when (as planned)
 * nothing fails, or a service no task that runs needs (see unneededService).
 */
export type PlannedSkip = 'condition' | 'on-failure' | 'not-needed';

/**
 * The tasks a run will skip, as far as can be known before it starts, with
 * the plan's assumption that every task succeeds: a `when` over inputs (with
 * values), matrix values, params and the runner only, that is false; an `if: failure`
 * task; and, through `if: success`, the tasks that need a skipped one. A
 * condition that reads outputs or the environment is decided when the task
 * is ready: the plan assumes it runs.
 */
export function plannedSkips(workflow: Workflow): Map<string, PlannedSkip> {
  const skipped = new Map<number, PlannedSkip>();
  if (!workflow.tasks.some((t) => t.when || t.if === 'failure')) return new Map();
  for (const i of needsFirst(workflow)) {
    const task = workflow.tasks[i]!;
    if (task.if === 'failure') {
      skipped.set(i, 'on-failure');
      continue;
    }
    const skippedNeed = needIndices(workflow, i).find((n) => skipped.has(n));
    if (task.if === 'success' && skippedNeed !== undefined) {
      skipped.set(i, skipped.get(skippedNeed)!);
      continue;
    }
    if (!task.when) continue;
    let known = true;
    const holds = evaluateCondition(task.when.condition, (ref) => {
      const value = staticValue(task.inputValues ?? workflow.inputs ?? {}, task, ref);
      if (value === undefined) known = false;
      return value;
    });
    if (known && !holds) skipped.set(i, 'condition');
  }
  return new Map([...skipped].map(([i, why]) => [workflow.tasks[i]!.id, why]));
}
