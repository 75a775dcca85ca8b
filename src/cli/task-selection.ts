import { UsageError } from '../errors.js';
import { selectTasks, withOnly } from '../run/select-tasks.js';
import type { Workflow } from '../workflow/model.js';
import { idList } from './id-list.js';

/**
 * The task ids a run (or plan) is limited to — `--only a,b` and task words
 * (`orchestrate run ci.yaml test lint`), each checked against the workflow
 * (a usage error names an unknown one, with "did you mean") — or undefined
 * for every task.
 */
export function selectedIds(workflow: Workflow, only: string | undefined, words: readonly string[] = []): string[] | undefined {
  const flagged = idList(only, '--only') ?? [];
  const named = words.flatMap((word) => {
    if (!word.trim()) throw new UsageError('an empty task name was given');
    return idList(word, 'a task')!;
  });
  if (flagged.length) selectTasks(workflow, flagged, '--only');
  if (named.length) selectTasks(workflow, named);
  const ids = [...flagged, ...named];
  return ids.length ? ids : undefined;
}

/** What a plan of a selection covers: only those tasks and what they need. */
export function selectedPart(workflow: Workflow, ids: readonly string[] | undefined): Workflow {
  return ids ? withOnly(workflow, selectTasks(workflow, ids)) : workflow;
}
