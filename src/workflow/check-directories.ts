import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import type { Workflow } from './model.js';
import type { WorkflowFile } from './schema-types.js';
import { statIfPresent } from '../util/stat-if-present.js';

/**
 * Working directories that are not there when the workflow is linted: a
 * `cwd` of a task or of its agent (as filled for each matrix expansion; an
 * agent of the config file's at the task's `agent`) that
 * does not exist or is not a directory — a typo that would otherwise fail
 * the task only when the run gets to it. A warning: an earlier task may
 * make it (`mkdir build`), and the comment that silences it says so. A cwd
 * that reads an input, or what is known only at run time, is left alone.
 */
export function missingDirectories(raw: WorkflowFile, workflow: Workflow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  // Every command loads the workflow: each directory is looked at once, however many tasks run in it.
  const stats = new Map<string, ReturnType<typeof statSync>>();
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
    if (stat?.isDirectory()) continue;
    const shown = relative(workflow.dir, task.cwd) || '.';
    const whose = own !== undefined ? `task "${task.id}"` : `agent "${task.agent}"${agentHere === undefined ? ' of the config file' : ''} (of task "${task.id}")`;
    // A shell's ~ is not expanded here: the directory is literally named ~.
    const tilde = /^~(\/|$)/.test(text) ? ' (~ is no home directory here: write ${{ env.HOME }})' : '';
    diagnostics.push(warning('missing-cwd', `${whose} runs in ${shown}, which ${stat ? 'is not a directory' : 'does not exist (yet?)'}${tilde}: a typo fails the task when the run gets to it; if an earlier task makes it, say so with # orchestrate-lint-disable-next-line missing-cwd`, path));
  }
  return diagnostics;
}
