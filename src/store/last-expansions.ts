import type { Database } from './open-store.js';
import { expansionHash } from '../workflow/definition-hash.js';
import { HISTORY_RUNS } from './history-estimates.js';
import { recordedSelection } from './queries.js';
import { byName } from '../util/natural-order.js';
import type { RecordedExpansions } from '../plan/plan.js';

/**
 * What each matrix from outputs (`groups`: task id -> definition hash)
 * expanded to in the newest of the workflow's latest runs in which it
 * expanded with the same definition: the expansions recorded there with
 * their expansion hashes, but those a false `when` skipped (a plan, not
 * knowing their matrix values, would count them as running). A run whose
 * selection named expansions (a task word or `--only` with a `[`,
 * `review[a.ts]`) may have run only some of them, and is passed over. A plan
 * counts the group as those tasks, each with its own history, where it would
 * otherwise count it as one task.
 */
export function lastExpansions(db: Database, workflow: string, groups: ReadonlyMap<string, string>): Map<string, RecordedExpansions> {
  const out = new Map<string, RecordedExpansions>();
  if (!groups.size) return out;
  const runsOf = db.prepare(`SELECT r.id, r.selection FROM runs r JOIN tasks t ON t.run_id = r.id
    WHERE r.id IN (SELECT id FROM runs WHERE workflow = ? ORDER BY started_at DESC LIMIT ?) AND t.task_id = ? AND t.definition_hash = ?
    ORDER BY r.started_at DESC`);
  // An expansion's id is its task's id and `[`; `\` is the character after `[`.
  const expansionsIn = db.prepare("SELECT task_id, definition_hash, status = 'skipped' AND reason = 'condition' FROM tasks WHERE run_id = ? AND task_id >= ? AND task_id < ?").raw();
  for (const [id, hash] of groups) {
    for (const run of runsOf.all(workflow, HISTORY_RUNS, id, hash) as Array<{ id: string; selection?: string | null }>) {
      const selection = recordedSelection(run);
      if ([...(selection?.tasks ?? []), selection?.only ?? ''].some((word) => word.includes('['))) continue;
      const rows = (expansionsIn.all(run.id, `${id}[`, `${id}\\`) as Array<[string, string, number]>).filter(([child, childHash]) => childHash === expansionHash(hash, child));
      if (!rows.length) continue;
      // Their order is the plan's among equals; the run's is that of its list, unknown here.
      out.set(id, { run: run.id, ids: rows.filter(([, , skipped]) => !skipped).map(([child]) => child).sort(byName) });
      break;
    }
  }
  return out;
}
