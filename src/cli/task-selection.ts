import { UsageError } from '../errors.js';
import { affectedTasks, changedSince } from '../run/affected.js';
import { expansionSelection, selectTasks, withOnly } from '../run/select-tasks.js';
import type { RecordedExpansions } from '../plan/plan.js';
import type { Workflow } from '../workflow/model.js';
import { idList } from './id-list.js';
import { writeErr } from './output.js';

/**
 * The task ids a run (or plan) is limited to — `--only a,b` and task words
 * (`orchestrate run ci.yaml test lint`), each checked against the workflow
 * (a usage error names an unknown one, with "did you mean"), narrowed with
 * `--since REF` to the tasks a change since that git ref touches (an empty
 * list: none; a line on stderr says how many) — or undefined for every task.
 */
export async function selectedIds(workflow: Workflow, only: string | undefined, words: readonly string[] = [], since?: string): Promise<string[] | undefined> {
  const ids = namedIds(workflow, only, words);
  if (since === undefined) return ids;
  const changed = changedSince(workflow.dir, since);
  const within = ids && selectTasks(workflow, ids);
  const affected = affectedTasks(workflow, changed, within);
  const of = within ? within.size : workflow.tasks.length;
  await writeErr(`orchestrate: --since ${since}: ${changed.size} file${changed.size === 1 ? '' : 's'} changed; ${affected.length} of ${of} task${of === 1 ? '' : 's'} affected${affected.length ? ', run with what they need' : ': nothing to run'}\n`);
  return affected;
}

/** What `--only` and task words name. */
function namedIds(workflow: Workflow, only: string | undefined, words: readonly string[]): string[] | undefined {
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

/**
 * The recorded expansions of matrices from outputs (workflowHistory) that a
 * plan of a selection counts: those a run of it would run (expansionSelection).
 */
export function selectedExpansions(workflow: Workflow, ids: readonly string[] | undefined, expansions: ReadonlyMap<string, RecordedExpansions> | undefined): ReadonlyMap<string, RecordedExpansions> | undefined {
  if (!ids || !expansions?.size) return expansions;
  const runs = expansionSelection(workflow, ids);
  const out = new Map<string, RecordedExpansions>();
  for (const [group, recorded] of expansions) {
    const index = workflow.taskIndex.get(group)!;
    const kept = recorded.ids.filter((id) => runs(index, id));
    if (kept.length) out.set(group, { run: recorded.run, ids: kept });
  }
  return out;
}
