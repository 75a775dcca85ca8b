import { UsageError } from '../errors.js';
import { suggestion } from '../util/suggest.js';
import type { Workflow } from '../workflow/model.js';

/** `*` and `?` in an id pattern (`test-*`): any characters, one character; the rest as written. */
export function idPattern(pattern: string): RegExp | undefined {
  if (!/[*?]/.test(pattern)) return undefined;
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * `--only a,b` (`flag` prefixes its messages): those tasks (a matrix task's id means all its expansions;
 * `*` and `?` match ids and matrix base ids: `test-*`, `build[linux,*]`) and
 * everything they need, transitively.
 */
export function selectTasks(workflow: Workflow, ids: readonly string[], flag?: string): Set<number> {
  const prefix = flag ? `${flag}: ` : '';
  const selected = new Set<number>();
  const stack: number[] = [];
  for (const id of ids) {
    const exact = workflow.taskIndex.get(id);
    const pattern = exact === undefined ? idPattern(id) : undefined;
    const matches = exact !== undefined ? [exact]
      : pattern ? workflow.tasks.flatMap((t, i) => (pattern.test(t.id) || pattern.test(t.baseId) ? [i] : []))
      : workflow.tasks.flatMap((t, i) => (t.baseId === id ? [i] : []));
    if (!matches.length) {
      throw new UsageError(pattern ? `${prefix}no task id matches "${id}" in ${workflow.name}` : `${prefix}no task "${id}" in ${workflow.name}${suggestion(id, new Set(workflow.tasks.map((t) => t.baseId)))}`);
    }
    stack.push(...matches);
  }
  while (stack.length) {
    const i = stack.pop()!;
    if (selected.has(i)) continue;
    selected.add(i);
    for (const need of workflow.tasks[i]!.needs) stack.push(workflow.taskIndex.get(need)!);
  }
  return selected;
}

/** The workflow with only the selected tasks (closed under needs, as selectTasks gives them): what a plan of the selection covers. */
export function withOnly(workflow: Workflow, selected: ReadonlySet<number>): Workflow {
  const tasks = workflow.tasks.filter((_, i) => selected.has(i));
  return { ...workflow, tasks, taskIndex: new Map(tasks.map((t, i) => [t.id, i])) };
}

/** Whether a task id is what `wanted` names, as `--only` reads it: the id, a matrix task's id for its expansions, or a `*`/`?` pattern. */
export function namesTask(wanted: string, id: string): boolean {
  return id === wanted || id.startsWith(`${wanted}[`) || (idPattern(wanted)?.test(id) ?? false);
}
