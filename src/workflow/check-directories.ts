import { statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import type { Workflow } from './model.js';
import type { WorkflowFile } from './schema-types.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { artifactsMade } from './check-sources.js';

/**
 * Working directories that are not there when the workflow is linted: a
 * `cwd` of a task or of its agent (as filled for each matrix expansion; an
 * agent of the config file's at the task's `agent`) that
 * does not exist or is not a directory — a typo that would otherwise fail
 * the task only when the run gets to it. A warning: an earlier task may
 * make it (`mkdir build`), and the comment that silences it says so. A cwd
 * that another task declares an artifact in (`dist/app.js` makes `dist`), one
 * that reads an input, or what is known only at run time, is left alone.
 */
export function missingDirectories(raw: WorkflowFile, workflow: Workflow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  // Every command loads the workflow: each directory is looked at once, however many tasks run in it.
  const stats = new Map<string, ReturnType<typeof statSync>>();
  /** Where each task declares it writes, gathered when a cwd is missing. */
  let made: ReturnType<typeof artifactsMade> | undefined;
  const madeByAnother = (dir: string, baseId: string) => (made ??= artifactsMade(workflow)).some((m) => m.baseId !== baseId && m.path.startsWith(`${dir}${sep}`));
  for (const task of workflow.tasks) {
    // An included task was checked with its own file.
    if (task.includedFrom !== undefined) continue;
    const own = raw.tasks[task.baseId]?.cwd;
    const agentHere = task.agent !== undefined ? raw.agents?.[task.agent]?.cwd : undefined;
    // An agent of the config file only: its cwd is reported at the task's `agent`, in the file linted.
    const agentOfConfig = own === undefined && agentHere === undefined && task.agent !== undefined ? workflow.agents[task.agent]?.cwd : undefined;
    const text = own ?? agentHere ?? agentOfConfig;
    // Not known yet: a value of an input, of a matrix from outputs, or an output read at run time.
    if (text === undefined || /\$\{\{\s*inputs\./.test(text) || task.cwd.includes('${{')) continue;
    const path: DocPath = own !== undefined ? ['tasks', task.baseId, 'cwd'] : agentHere !== undefined ? ['agents', task.agent!, 'cwd'] : ['tasks', task.baseId, 'agent'];
    const key = `${path.join('\0')}\0${task.cwd}`;
    if (reported.has(key)) continue;
    reported.add(key);
    if (!stats.has(task.cwd)) stats.set(task.cwd, statIfPresent(task.cwd));
    const stat = stats.get(task.cwd);
    if (stat?.isDirectory() || (!stat && madeByAnother(task.cwd, task.baseId))) continue;
    const shown = relative(workflow.dir, task.cwd) || '.';
    const whose = own !== undefined ? `task "${task.id}"` : `agent "${task.agent}"${agentHere === undefined ? ' of the config file' : ''} (of task "${task.id}")`;
    diagnostics.push(warning('missing-cwd', `${whose} runs in ${shown}, which ${stat ? 'is not a directory' : 'does not exist (yet?)'}: a typo fails the task when the run gets to it; if an earlier task makes it, say so with # orchestrate-lint-disable-next-line missing-cwd`, path));
  }
  return diagnostics;
}

/** A command's first word when it is a path relative to the working directory (`./run.sh`, `../tools/x`), plainly written. */
const RELATIVE_PROGRAM = /^\s*(\.\.?\/[^\s;|&<>()$`"'\\]+)(\s|$)/;

/** The files the workflow's tasks declare they make (their artifacts, resolved): lint does not look for them before the run. */
export function artifactPaths(workflow: Pick<Workflow, 'tasks'>): Set<string> {
  return new Set(workflow.tasks.flatMap((t) => t.artifacts.map((a) => resolve(t.cwd, a))));
}

/**
 * Agents whose command starts with a relative path that is not there from the
 * working directory of a task of theirs: the agent's script, named from where
 * the agent was written (a config file at the project's root) rather than
 * from where its tasks run. Every task of the agent would fail with `not
 * found`. Programs a task makes (its artifacts) are left alone, and so is a
 * task's own `run`, which often runs what an earlier task built.
 */
export function missingPrograms(raw: WorkflowFile, workflow: Workflow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const stats = new Map<string, ReturnType<typeof statSync>>();
  // Looked at only once an agent's program is a relative path: every load runs this.
  let made: Set<string> | undefined;
  const reported = new Set<string>();
  for (const task of workflow.tasks) {
    if (task.kind !== 'agent' || task.includedFrom !== undefined || task.cwd.includes('${{')) continue;
    const program = RELATIVE_PROGRAM.exec(task.command)?.[1];
    if (!program || program.includes('${{')) continue;
    const path = resolve(task.cwd, program);
    const key = `${task.agent}\0${path}`;
    made ??= artifactPaths(workflow);
    if (reported.has(key) || made.has(path)) continue;
    reported.add(key);
    if (!stats.has(task.cwd)) stats.set(task.cwd, statIfPresent(task.cwd));
    // A missing cwd is missing-cwd's to say.
    if (!stats.get(task.cwd)?.isDirectory() || statIfPresent(path)) continue;
    const ofConfig = raw.agents?.[task.agent!] === undefined;
    const where = task.cwd === workflow.dir ? 'beside the workflow file' : `in ${relative(workflow.dir, task.cwd)}`;
    const hint = ofConfig ? ": a config file's agent runs where its tasks do unless it sets `cwd` (relative to the config file)" : '';
    diagnostics.push(warning('missing-program', `agent "${task.agent}"${ofConfig ? ' of the config file' : ''} (of task "${task.id}") runs ${program}, but there is no ${relative(task.cwd, path)} ${where}, where its tasks run${hint}; every task of it would fail with "not found"`, ofConfig ? ['tasks', task.baseId, 'agent'] : ['agents', task.agent!, 'command']));
  }
  return diagnostics;
}
