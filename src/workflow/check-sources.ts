import { relative, resolve, sep } from 'node:path';
import { warning, type Diagnostic } from './diagnostics.js';
import type { Workflow } from './model.js';
import { globBase, isGlob } from '../util/glob.js';
import { statIfPresent } from '../util/stat-if-present.js';

/** The part of a path or glob that names something fixed, absolute: `src/lib/*.ts` in /p -> /p/src/lib. */
function fixedPart(entry: string, cwd: string): string {
  return resolve(cwd, isGlob(entry) ? globBase(entry) : entry);
}

/** Where each task declares it writes: its artifacts' fixed parts (templated ones are not known before the run). */
export function artifactsMade(workflow: Pick<Workflow, 'tasks'>): Array<{ baseId: string; path: string }> {
  return workflow.tasks.flatMap((t) => t.artifacts.filter((a) => !a.includes('${{')).map((a) => ({ baseId: t.baseId, path: fixedPart(a, t.cwd) })));
}

/** Whether one of two absolute paths lies within the other (or they are the same). */
function nested(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}${sep}`) || b.startsWith(`${a}${sep}`);
}

/**
 * `sources` entries that name nothing when the workflow is linted: a path,
 * or a glob's directory, that does not exist. A typo (`scr/**`) would keep
 * the task up to date while the files it meant change, since what does not
 * exist never changes. Not an entry within what a task of the workflow
 * makes (its `artifacts`): `test` reading `out/app.txt` that `compile`
 * writes. Nor one that reads an input. A warning, as missing-cwd is: the
 * comment that silences it says why. Only the directory of a glob is looked
 * at: walking a tree at every load would cost more than a typo in a file
 * name is worth.
 */
export function missingSources(workflow: Workflow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const made = artifactsMade(workflow).map((m) => m.path);
  const reported = new Set<string>();
  // Each path is looked at once, however many expansions read it.
  const exists = new Map<string, boolean>();
  const there = (path: string) => {
    if (!exists.has(path)) exists.set(path, statIfPresent(path) !== undefined);
    return exists.get(path)!;
  };
  for (const task of workflow.tasks) {
    // An included task was checked with its own file.
    if (task.includedFrom !== undefined) continue;
    task.sources.forEach((entry, k) => {
      // Known only at run time, or read from an input (whose value differs between runs), as missing-cwd leaves them.
      const unfilled = task.unfilled?.sources[k];
      if (entry.includes('${{') || task.cwd.includes('${{') || (unfilled !== undefined && unfilled !== entry)) return;
      const fixed = fixedPart(entry, task.cwd);
      const key = `${task.baseId}\0${k}\0${fixed}`;
      if (reported.has(key) || there(fixed) || made.some((m) => nested(m, fixed))) return;
      reported.add(key);
      const shown = relative(workflow.dir, fixed) || '.';
      const what = isGlob(entry) ? `the directory of its sources entry "${entry}", ${shown},` : `its sources entry ${shown}`;
      diagnostics.push(warning('missing-sources', `task "${task.id}": ${what} does not exist (yet?), and no task makes it (artifacts): a typo keeps the task up to date while the files it meant change; if something else makes it, say so with # orchestrate-lint-disable-next-line missing-sources`, ['tasks', task.baseId, 'sources', k]));
    });
  }
  return diagnostics;
}
