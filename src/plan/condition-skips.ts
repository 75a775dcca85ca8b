import { evaluateCondition, staticValue } from '../workflow/condition.js';
import type { Workflow } from '../workflow/model.js';
import { needIndices, needsFirst } from '../workflow/needs-order.js';

/**
 * The tasks a run will skip for their `when` conditions, as far as can be
 * known before it starts: a condition over inputs (with values), matrix
 * values and params only, that is false; and, through `if: success`, the
 * tasks that need a skipped one. A condition that reads outputs or the
 * environment is decided when the task is ready: the plan assumes it runs.
 */
export function conditionSkips(workflow: Workflow): Set<string> {
  const skipped = new Set<number>();
  if (!workflow.tasks.some((t) => t.when)) return new Set();
  for (const i of needsFirst(workflow)) {
    const task = workflow.tasks[i]!;
    if (task.if === 'success' && needIndices(workflow, i).some((n) => skipped.has(n))) {
      skipped.add(i);
      continue;
    }
    if (!task.when) continue;
    let known = true;
    const holds = evaluateCondition(task.when.condition, (ref) => {
      const value = staticValue(workflow.inputs ?? {}, task, ref);
      if (value === undefined) known = false;
      return value;
    });
    if (known && !holds) skipped.add(i);
  }
  return new Set([...skipped].map((i) => workflow.tasks[i]!.id));
}
