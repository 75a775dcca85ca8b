import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The project a workflow belongs to: the nearest ancestor with package.json or .git, else its own directory. */
export function projectRoot(workflowDir: string): string {
  for (let dir = workflowDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return workflowDir;
  }
}

/** A sortable, unique run id: `20261125T203100Z-1a2b3c`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** `.orchestrate/runs/<runId>` in the workflow's project. */
export function runDirectory(workflowDir: string, runId: string): string {
  return join(projectRoot(workflowDir), '.orchestrate', 'runs', runId);
}
