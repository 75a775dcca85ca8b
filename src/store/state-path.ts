import { join, resolve } from 'node:path';
import { orchestrateDirectory } from '../workflow/project-root.js';

/** `--state PATH`, else the config file's `state` (absolute), else `.orchestrate/state.db` in the workflow's project. */
export function statePath(workflowDir: string, option?: string, configured?: string): string {
  if (option) return resolve(option);
  if (configured) return configured;
  return join(orchestrateDirectory(workflowDir), 'state.db');
}
