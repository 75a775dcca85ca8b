import type { TaskSpec, Workflow } from '../workflow/model.js';

/**
 * The workflow as a plan counts it when matrices from outputs are planned as
 * the expansions a recorded run gave them (`expansions`: task id -> their
 * ids): each such task replaced by its expansions, which need what it needs,
 * and the tasks that need it needing them all — as a written matrix is
 * loaded. Their matrix values are not known: their fields stay as the task's
 * (templates of `matrix` left in), which is all a plan reads.
 */
export function withPlannedExpansions(workflow: Workflow, expansions: ReadonlyMap<string, readonly string[]>): Workflow {
  const tasks: TaskSpec[] = [];
  for (const task of workflow.tasks) {
    const ids = expansions.get(task.id);
    if (!ids) {
      tasks.push(task);
      continue;
    }
    const { dynamicMatrix: _, ...fields } = task;
    for (const id of ids) tasks.push({ ...fields, id, needs: [...task.needs] });
  }
  for (const [i, task] of tasks.entries()) {
    if (task.needs.some((need) => expansions.has(need))) tasks[i] = { ...task, needs: task.needs.flatMap((need) => expansions.get(need) ?? [need]) };
  }
  return { ...workflow, tasks, taskIndex: new Map(tasks.map((t, i) => [t.id, i])) };
}
