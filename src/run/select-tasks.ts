import { UsageError } from '../errors.js';
import { suggestion } from '../util/suggest.js';
import type { Workflow } from '../workflow/model.js';

/** `*` and `?` in an id pattern (`test-*`): any characters, one character; the rest as written. */
function idPattern(pattern: string): RegExp | undefined {
  if (!/[*?]/.test(pattern)) return undefined;
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * `--only a,b`: those tasks (a matrix task's id means all its expansions;
 * `*` and `?` match ids and matrix base ids: `test-*`, `build[linux,*]`) and
 * everything they need, transitively.
 */
export function selectTasks(workflow: Workflow, ids: readonly string[]): Set<number> {
  const selected = new Set<number>();
  const stack: number[] = [];
  for (const id of ids) {
    const exact = workflow.taskIndex.get(id);
    const pattern = exact === undefined ? idPattern(id) : undefined;
    const matches = exact !== undefined ? [exact]
      : pattern ? workflow.tasks.flatMap((t, i) => (pattern.test(t.id) || pattern.test(t.baseId) ? [i] : []))
      : workflow.tasks.flatMap((t, i) => (t.baseId === id ? [i] : []));
    if (!matches.length) {
      throw new UsageError(pattern ? `--only: no task id matches "${id}" in ${workflow.name}` : `--only: no task "${id}" in ${workflow.name}${suggestion(id, new Set(workflow.tasks.map((t) => t.baseId)))}`);
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
