import { existsSync } from 'node:fs';
import { definitionHashes } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';
import { openStore, type Database } from '../store/open-store.js';
import { historyEstimates } from '../store/queries.js';
import { loadConfig } from '../workflow/load-config.js';
import { projectRoot } from '../run/run-dir.js';
import { UsageError } from '../errors.js';
import { dirname, resolve } from 'node:path';
import { statePath } from '../store/state-path.js';

/**
 * The history of a workflow for planning: estimates from past runs. Opens the
 * store when it exists (or when `create`), so that `plan` never creates one.
 */
export function workflowHistory(workflow: Workflow, option?: string, create = false): { db?: Database; estimates?: Map<string, number> } {
  const path = statePath(workflow.dir, option, workflow.stateFile);
  if (!create && !existsSync(path)) return {};
  const db = openStore(path);
  const estimates = historyEstimates(db, workflow.name, definitionHashes(workflow));
  if (!create) {
    db.close();
    return { estimates };
  }
  return { db, estimates };
}

/**
 * The history database for commands that name no workflow file (history,
 * events, report, stats): `--state`, else the config file's `state` found
 * from `near`, else `.orchestrate/state.db` of the project. It must exist.
 */
export async function existingStatePath(near: string, option?: string): Promise<string> {
  let configured: string | undefined;
  if (!option) {
    const loaded = await loadConfig(near);
    if (loaded.config.state && loaded.file) configured = resolve(dirname(loaded.file), loaded.config.state);
  }
  const path = statePath(projectRoot(near), option, configured);
  if (!existsSync(path)) throw new UsageError(`no run history at ${path} (run a workflow first, or pass --state PATH)`);
  return path;
}
