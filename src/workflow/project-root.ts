import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { makeDirectory } from '../util/make-directory.js';

/** Whether a directory is a project's root: it has package.json or .git. */
export function isProjectRoot(dir: string): boolean {
  return existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'));
}

/** The project a workflow belongs to: the nearest ancestor with package.json or .git, else its own directory. */
export function projectRoot(workflowDir: string): string {
  for (let dir = workflowDir; ; dir = dirname(dir)) {
    if (isProjectRoot(dir)) return dir;
    if (dirname(dir) === dir) return workflowDir;
  }
}

/** `.orchestrate` in the workflow's project: where its runs, history and kept parses go. */
export function orchestrateDirectory(workflowDir: string): string {
  return join(projectRoot(workflowDir), '.orchestrate');
}

/**
 * Makes `dir` and its missing parents for orchestrate's own files (runs,
 * history, kept parses), also again after a task deleted them: a
 * `.orchestrate` made on the way gets its .gitignore (ignoreInGit).
 */
export function makeStateDirectory(dir: string): void {
  makeDirectory(dir, ignoreInGit);
}

/**
 * A `.orchestrate` directory made gets a `.gitignore` of `*`, as pytest's,
 * ruff's and mypy's caches do, so that `git add .` does not commit the history
 * and logs of this machine. Made once, with the directory: one the user
 * removes stays removed.
 */
function ignoreInGit(dir: string): void {
  if (basename(dir) !== '.orchestrate') return;
  try {
    writeFileSync(join(dir, '.gitignore'), '# Made by orchestrate: the run history and logs in here belong to this machine.\n*\n', { flag: 'wx' });
  } catch {
    // A convenience: a directory that takes no file (or has one) is no reason to stop.
  }
}

/**
 * A path as a key that survives moving the project: relative to its root
 * (`/`-separated, `.` for the root itself) when inside it, else absolute.
 */
export function projectPath(root: string, path: string): string {
  const rel = relative(root, path);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}
