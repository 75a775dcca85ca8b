import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ignoreInGit, orchestrateDirectory } from '../workflow/project-root.js';
import { makeDirectory } from '../util/make-directory.js';

/** A sortable, unique run id: `20261125T203100Z-1a2b3c`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** `.orchestrate/runs/<runId>` in the workflow's project. */
export function runDirectory(workflowDir: string, runId: string): string {
  return join(orchestrateDirectory(workflowDir), 'runs', runId);
}

/** A run's directory made again after it was deleted while the run went on (by a task), with `.orchestrate`'s .gitignore if that went too. */
export function remakeRunDirectory(dir: string): void {
  makeDirectory(dir, ignoreInGit);
}
