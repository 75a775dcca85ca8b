import { UsageError } from '../errors.js';
import { suggestion } from '../util/suggest.js';
import type { Workflow } from '../workflow/model.js';

/** `*` and `?` in an id pattern (`test-*`): any characters, one character; the rest as written. */
function idPattern(pattern: string): RegExp | undefined {
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
    const names = taskNames(id);
    const matches = exact !== undefined ? [exact] : workflow.tasks.flatMap((t, i) => (names(t.id) ? [i] : []));
    if (!matches.length) {
      throw new UsageError(/[*?]/.test(id) ? `${prefix}no task id matches "${id}" in ${workflow.name}` : `${prefix}no task "${id}" in ${workflow.name}${suggestion(id, new Set(workflow.tasks.map((t) => t.baseId)))}`);
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

/**
 * What `wanted` names, as `--only` reads it, as a test of task ids: the id,
 * a matrix task's id for its expansions, or a `*`/`?` pattern over ids and
 * matrix base ids (compiled once).
 */
export function taskNames(wanted: string): (id: string) => boolean {
  const pattern = idPattern(wanted);
  return (id) => {
    if (id === wanted || id.startsWith(`${wanted}[`)) return true;
    if (!pattern) return false;
    // A base id holds no `[`: what comes before one is the matrix task's id.
    const bracket = id.indexOf('[');
    return pattern.test(id) || (bracket > 0 && pattern.test(id.slice(0, bracket)));
  };
}
