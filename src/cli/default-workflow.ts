import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** The names a workflow file is looked for under when none is given, as make looks for a Makefile. */
export const DEFAULT_WORKFLOW_FILES = ['orchestrate.yaml', 'orchestrate.yml'];

/** The workflow file given, else `orchestrate.yaml` (or `.yml`) in the working directory. */
export function workflowFile(given: string | undefined): string {
  if (given !== undefined) return given;
  const found = DEFAULT_WORKFLOW_FILES.find((name) => existsSync(name));
  if (!found) throw new UsageError('no workflow file given, and no orchestrate.yaml here: name one (orchestrate run FILE), or write one with orchestrate init');
  return found;
}
