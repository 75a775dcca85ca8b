import { parse, resolve } from 'node:path';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { globBase, isGlob } from '../util/glob.js';

/**
 * Whether a `sources` or `artifacts` entry would be walked from the file
 * system's root (`/`, `/**`, or `${{ inputs.dir }}/**` with an empty dir):
 * fingerprinting it would read every file of the machine, /proc included.
 */
export function walksFromRoot(entry: string, cwd: string): boolean {
  const start = resolve(cwd, isGlob(entry) ? globBase(entry) : entry);
  return parse(start).root === start;
}

/**
 * `bad-path` for the entries of a task's sources and artifacts, as filled,
 * that walk from the root; `written` holds the entries as the file has them.
 */
export function rootPathProblems(taskId: string, filled: { sources: string[]; artifacts: string[]; cwd: string }, written: { sources?: string[]; artifacts?: string[] }, at: DocPath): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const field of ['sources', 'artifacts'] as const) {
    filled[field].forEach((entry, k) => {
      if (!walksFromRoot(entry, filled.cwd)) return;
      const as = written[field]?.[k];
      const how = as !== undefined && as !== entry ? ` (written "${as}": did a value render empty?)` : '';
      problems.push(error('bad-path', `task "${taskId}": ${field} entry "${entry}" is the whole file system${how}; name the files it ${field === 'sources' ? 'reads' : 'writes'}`, [...at, field, k]));
    });
  }
  return problems;
}
