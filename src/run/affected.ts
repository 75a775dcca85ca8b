import { execFileSync } from 'node:child_process';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { globToRegExp, isGlobHere, walkPassesOver } from '../util/glob.js';
import type { TaskSpec, Workflow } from '../workflow/model.js';
import { workflowGraph } from '../plan/plan.js';

/** git in `cwd`: its output, or a usage error saying what git said (without git, or outside a repository). */
function git(cwd: string, args: string[], what: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (caught) {
    const error = caught as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT') throw new UsageError(`--since needs git, which is not installed here`);
    const said = String(error.stderr ?? '').trim().split('\n')[0] ?? '';
    throw new UsageError(`--since: ${what}${said ? ` (git: ${said})` : ''}`);
  }
}

/** Whether the repository at `top` is a shallow clone. */
function isShallow(top: string): boolean {
  try {
    return git(top, ['rev-parse', '--is-shallow-repository'], '').trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * The files (absolute paths) that changed since `ref` in the git repository
 * around `dir`, as Turborepo's `--affected` and Lerna's `--since` see them:
 * what differs between the working tree and where HEAD left `ref` (their
 * merge base: the branch's own commits, staged and unstaged changes, deleted
 * files), and files git does not track yet (ignored ones aside).
 */
export function changedSince(dir: string, ref: string): Set<string> {
  const top = git(dir, ['rev-parse', '--show-toplevel'], `${dir} is not in a git repository`).trim();
  try {
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], `"${ref}" is not a commit git knows here`);
  } catch (unknown) {
    // CI checks out one commit (actions/checkout's fetch-depth: 1): the branch to compare with is not there.
    if (!isShallow(top)) throw unknown;
    throw new UsageError(`--since: "${ref}" is not a commit git knows here, and this clone is shallow (it has only the latest commits): fetch the history it needs (git fetch --unshallow, or git fetch of that branch; in GitHub Actions, actions/checkout with fetch-depth: 0)`);
  }
  const base = git(top, ['merge-base', ref, 'HEAD'], `cannot find where HEAD and "${ref}" diverge (a shallow clone? fetch the history, e.g. fetch-depth: 0)`).trim();
  const listed = [
    ...git(top, ['diff', '--name-only', '--no-renames', '-z', base, '--'], `cannot list what changed since "${ref}"`).split('\0'),
    ...git(top, ['ls-files', '--others', '--exclude-standard', '-z'], 'cannot list the untracked files').split('\0'),
  ];
  return new Set(listed.filter(Boolean).map((file) => resolve(top, file)));
}

/** Whether one of the changed files is among a task's sources (a path, a directory and what is under it, or a glob); `globs` keeps each glob compiled once. */
function readsChanged(task: TaskSpec, changed: ReadonlySet<string>, globs: Map<string, RegExp>): boolean {
  return task.sources.some((pattern) => {
    if (isGlobHere(pattern, task.cwd)) {
      let matcher = globs.get(pattern);
      if (!matcher) globs.set(pattern, (matcher = globToRegExp(pattern.startsWith('./') ? pattern.slice(2) : pattern)));
      for (const file of changed) if (matcher.test(isAbsolute(pattern) ? file : relative(task.cwd, file)) && !walkPassesOver(pattern, task.cwd, file)) return true;
      return false;
    }
    const path = resolve(task.cwd, pattern);
    // A directory's hidden directories and node_modules are not among its files, as sources count them (.git, .orchestrate).
    for (const file of changed) if (file === path || (file.startsWith(`${path}/`) && !walkPassesOver(pattern, task.cwd, file))) return true;
    return false;
  });
}

/**
 * The tasks a change touches: those whose `sources` name a changed file, those
 * that declare none and need nothing (nothing says they are unaffected, as a
 * make target without prerequisites always runs), and every task that needs
 * one of them, directly or not (a task without sources that needs others is
 * judged by them). Their ids, in file order; `within` limits them (an `--only` selection).
 */
export function affectedTasks(workflow: Workflow, changed: ReadonlySet<string>, within?: ReadonlySet<number>): string[] {
  const globs = new Map<string, RegExp>();
  const affected = workflow.tasks.map((task) => (task.sources.length ? readsChanged(task, changed, globs) : !task.needs.length));
  // Needs come before their dependents in no fixed order: walk dependents from each affected task.
  const { dependents } = workflowGraph(workflow).graph;
  const stack = affected.flatMap((yes, i) => (yes ? [i] : []));
  while (stack.length) {
    for (const d of dependents[stack.pop()!]!) {
      if (affected[d]) continue;
      affected[d] = true;
      stack.push(d);
    }
  }
  return workflow.tasks.flatMap((task, i) => (affected[i] && (!within || within.has(i)) ? [task.id] : []));
}
