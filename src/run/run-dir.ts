import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { orchestrateDirectory } from '../workflow/project-root.js';

/** A sortable, unique run id: `20261125T203100Z-1a2b3c`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** `.orchestrate/runs/<runId>` in the workflow's project. */
export function runDirectory(workflowDir: string, runId: string): string {
  return join(orchestrateDirectory(workflowDir), 'runs', runId);
}
