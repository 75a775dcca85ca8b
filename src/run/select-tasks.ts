import { UsageError } from '../errors.js';
import { didYouMean, editDistance, suggestion } from '../util/suggest.js';
import type { Workflow } from '../workflow/model.js';

/** `*` and `?` in an id pattern (`test-*`): any characters, one character; the rest as written. */
function idPattern(pattern: string): RegExp | undefined {
  if (!/[*?]/.test(pattern)) return undefined;
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** The tasks `id` names: the task, a matrix task's expansions, or what a `*`/`?` pattern matches. */
function tasksNamed(workflow: Workflow, id: string): number[] {
  const exact = workflow.taskIndex.get(id);
  if (exact !== undefined) return [exact];
  const names = taskNames(id);
  return workflow.tasks.flatMap((t, i) => (names(t.id) ? [i] : []));
}

/**
 * The matrix tasks from outputs whose expansions `id` names (`review[a.ts]`,
 * `review[*]`): they are only known once the run gets there. Asked only of an
 * id that names no task known before.
 */
function groupsNamed(workflow: Workflow, id: string): number[] {
  const bracket = id.indexOf('[');
  if (bracket <= 0) return [];
  const names = taskNames(id.slice(0, bracket));
  return workflow.tasks.flatMap((t, i) => (t.dynamicMatrix && names(t.id) ? [i] : []));
}

/** ` (did you mean ...?)` for an unknown task name: a task id, or for `x[...]` an expansion or the matrix task it misspells. */
function unknownTaskHint(workflow: Workflow, id: string): string {
  const bases = new Set(workflow.tasks.map((t) => t.baseId));
  const bracket = id.indexOf('[');
  if (bracket <= 0) return suggestion(id, bases);
  const base = id.slice(0, bracket);
  if (bases.has(base)) {
    const expansions = workflow.tasks.filter((t) => t.baseId === base).map((t) => t.id);
    const close = expansions.find((e) => editDistance(e, id, 2) <= 2);
    return close ? ` (did you mean "${close}"?)` : ` ("${base}" expands to ${expansions.slice(0, 5).join(', ')}${expansions.length > 5 ? ', ...' : ''})`;
  }
  const near = didYouMean(base, bases);
  return near === undefined ? '' : ` (did you mean "${near}${id.slice(bracket)}"?)`;
}

/**
 * `--only a,b` (`flag` prefixes its messages): those tasks (a matrix task's id means all its expansions;
 * `*` and `?` match ids and matrix base ids: `test-*`, `build[linux,*]`; the expansions of a matrix from
 * outputs bring their task, see expansionSelection) and everything they need, transitively.
 */
export function selectTasks(workflow: Workflow, ids: readonly string[], flag?: string): Set<number> {
  const prefix = flag ? `${flag}: ` : '';
  const selected = new Set<number>();
  const stack: number[] = [];
  for (const id of ids) {
    const matches = tasksNamed(workflow, id);
    if (!matches.length) matches.push(...groupsNamed(workflow, id));
    if (!matches.length) {
      throw new UsageError(/[*?]/.test(id) ? `${prefix}no task id matches "${id}" in ${workflow.name}` : `${prefix}no task "${id}" in ${workflow.name}${unknownTaskHint(workflow, id)}`);
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

/**
 * Which expansions of a matrix from outputs a run limited to `ids` runs, as
 * they join: every one of a task selected as a whole (by its id, a pattern,
 * or as what a selected task needs), else those that an id names
 * (`review[a.ts]`, `review[*.ts]`).
 */
export function expansionSelection(workflow: Workflow, ids: readonly string[]): (group: number, id: string) => boolean {
  const byExpansion = ids.filter((id) => !tasksNamed(workflow, id).length && groupsNamed(workflow, id).length);
  const rest = ids.filter((id) => !byExpansion.includes(id));
  const whole = rest.length ? selectTasks(workflow, rest) : new Set<number>();
  const named = byExpansion.map(taskNames);
  return (group, id) => whole.has(group) || named.some((names) => names(id));
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
