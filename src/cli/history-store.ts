import { existsSync } from 'node:fs';
import { definitionHash } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';
import { openStore, type Database } from '../store/open-store.js';
import { historyEstimates } from '../store/queries.js';
import { statePath } from '../store/state-path.js';

/**
 * The history of a workflow for planning: estimates from past runs. Opens the
 * store when it exists (or when `create`), so that `plan` never creates one.
 */
export function workflowHistory(workflow: Workflow, option?: string, create = false): { db?: Database; estimates?: Map<string, number> } {
  const path = statePath(workflow.dir, option, workflow.stateFile);
  if (!create && !existsSync(path)) return {};
  const db = openStore(path);
  const hashes = new Map(workflow.tasks.map((t) => [t.id, definitionHash(workflow, t)]));
  const estimates = historyEstimates(db, workflow.name, hashes);
  if (!create) {
    db.close();
    return { estimates };
  }
  return { db, estimates };
}
