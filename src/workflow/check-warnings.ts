import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { isAncestor, type TaskGraph } from './graph.js';
import type { Workflow } from './model.js';
import { resolve } from 'node:path';
import { continuesAfterFailure } from './script-errexit.js';
import type { WorkflowFile } from './schema-types.js';
import { TASK_VARIABLES } from './task-variables.js';

/**
 * Suspicious but valid things: an agent allowed more concurrency than the
 * explicit global limit, one artifact declared by two tasks that may run
 * at the same time (neither needs the other), and a script of several
 * commands that a shell without `-e` runs on after one fails.
 */
export function checkWarnings(workflow: Workflow, graph: TaskGraph, explicitMaxConcurrency: boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (explicitMaxConcurrency) {
    for (const agent of Object.values(workflow.agents)) {
      if (agent.concurrency !== undefined && agent.concurrency > workflow.policy.maxConcurrency) {
        diagnostics.push(warning('concurrency-above-limit', `agent "${agent.name}" allows ${agent.concurrency} tasks at once, above the global maxConcurrency of ${workflow.policy.maxConcurrency}: the global limit wins`, ['agents', agent.name, 'concurrency']));
      }
    }
  }
  const seen = new Set<string>();
  for (const task of workflow.tasks) {
    // An included task was checked with its own file, and is shown there.
    if (task.kind !== 'shell' || task.includedFrom !== undefined || seen.has(task.baseId)) continue;
    seen.add(task.baseId);
    if (isPlainShell(task.shell) && continuesAfterFailure(task.unfilled?.command ?? task.command)) {
      diagnostics.push(warning('script-continues-on-error', `task "${task.baseId}" runs several commands with \`${task.shell.join(' ')}\`, which goes on after one fails (only the last one's exit code counts): start the script with \`set -e\`, or set \`shell: ${task.shell[0]} -ec\` — GitHub Actions runs \`sh -e\`, make stops at the first failing line`, [...task.path, 'run'], true));
    }
  }
  diagnostics.push(...failuresAllowedBeforeFailureTasks(workflow, graph));
  const producers = new Map<string, number[]>();
  workflow.tasks.forEach((task, i) => {
    for (const artifact of task.artifacts) {
      const key = resolve(task.cwd, artifact);
      const list = producers.get(key) ?? [];
      list.push(i);
      producers.set(key, list);
    }
  });
  for (const [file, list] of producers) {
    if (list.length < 2) continue;
    for (let b = 1; b < list.length; b++) {
      for (let a = 0; a < b; a++) {
        const [x, y] = [list[a]!, list[b]!];
        if (isAncestor(graph, x, y) || isAncestor(graph, y, x)) continue;
        const later = workflow.tasks[y]!;
        const artifact = later.artifacts.findIndex((p) => resolve(later.cwd, p) === file);
        diagnostics.push(warning('artifact-conflict', `tasks "${workflow.tasks[x]!.id}" and "${later.id}" both produce "${later.artifacts[artifact]}" and may run at the same time: one may overwrite the other`, [...later.path, 'artifacts', artifact]));
        break;
      }
    }
  }
  return diagnostics;
}

/**
 * `if: failure` tasks all of whose needs have `continueOnError`: a need's
 * failure counts as success for its dependents, so the task does not run
 * when they fail — the case it was written for.
 */
function failuresAllowedBeforeFailureTasks(workflow: Workflow, graph: TaskGraph): Diagnostic[] {
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  workflow.tasks.forEach((task, i) => {
    if (task.if !== 'failure' || task.includedFrom !== undefined || seen.has(task.baseId)) return;
    seen.add(task.baseId);
    const needs = graph.needs[i]!.map((n) => workflow.tasks[n]!);
    if (!needs.length || !needs.every((need) => need.continueOnError)) return;
    const first = needs[0]!.baseId;
    diagnostics.push(warning('failure-after-allowed-failure', `task "${task.baseId}" has \`if: failure\`, but every task it needs has \`continueOnError: true\`, whose failure counts as success for its dependents: it does not run when they fail (only when one is skipped or cancelled because of an earlier failure); to act on their failure, use \`if: always\` with \`when: tasks.${first}.status == 'failed'\``, [...task.path, 'if']));
  });
  return diagnostics;
}

/** A POSIX-style shell given only `-c`: one that does not stop at a failing command. */
function isPlainShell(shell: readonly string[]): boolean {
  return shell.length === 2 && shell[1] === '-c' && /^(.*\/)?(sh|bash|dash|ksh|zsh)$/.test(shell[0]!);
}

/**
 * A circuit breaker in the workflow file's policy when no task has an agent:
 * it counts each agent's failures, so it never opens (a shell task calling an
 * API is not guarded by it). One in the config file serves many workflows.
 */
export function circuitWithoutAgents(raw: WorkflowFile, workflow: Workflow): Diagnostic[] {
  if (raw.policy?.circuitBreaker === undefined || workflow.tasks.some((task) => task.agent !== undefined)) return [];
  return [warning('circuit-without-agents', 'policy.circuitBreaker counts the consecutive failures of each agent\'s tasks, and no task here has an agent: it never opens; shell tasks are not guarded by it', ['policy', 'circuitBreaker'], true)];
}

/**
 * `env` entries (the workflow's, an agent's, a task's) that name a variable
 * the runner sets for every task: the runner's value wins, so the entry does
 * nothing, quietly (`ORCHESTRATE_OUTPUT` pointed elsewhere would lose the outputs).
 */
export function reservedEnv(raw: WorkflowFile): Diagnostic[] {
  const reserved = new Set<string>(TASK_VARIABLES);
  return envScopes(raw).flatMap(({ env, at }) => Object.keys(env ?? {}).filter((name) => reserved.has(name))
    .map((name) => warning('reserved-env', `${name} is set by the runner for every task: this value is never seen (the runner's wins); use another name`, [...at, name], true)));
}

/** `$NAME` or `${NAME}` as a shell reads it; `${{` starts a template instead. */
const SHELL_VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/;

/**
 * `env` values that read a variable as a shell would (`PATH: "$PATH:./bin"`):
 * no shell reads them, so the task gets the text as written — a PATH that
 * finds nothing — as in GitHub Actions. `${{ env.NAME }}` inserts the value.
 */
export function shellVariablesInEnv(raw: WorkflowFile): Diagnostic[] {
  return envScopes(raw).flatMap(({ env, at }) => Object.entries(env ?? {}).flatMap(([name, value]) => {
    const found = typeof value === 'string' ? SHELL_VARIABLE.exec(value) : null;
    if (!found) return [];
    const variable = found[1] ?? found[2]!;
    return [warning('shell-variable-in-env', `${name}'s value reads ${found[0]} as a shell would, but no shell reads env values: the task gets ${JSON.stringify(value)} as written; use \${{ env.${variable} }} for the variable's value`, [...at, name])];
  }));
}

/** The `env` maps of a workflow file: its own, each agent's and each task's, with where they are (an agent or task that is no mapping, a schema error, has none). */
export function envScopes(raw: WorkflowFile): Array<{ env?: Record<string, unknown>; at: DocPath }> {
  return [
    { env: raw.env, at: ['env'] },
    ...Object.entries(raw.agents ?? {}).map(([name, agent]) => ({ env: agent?.env, at: ['agents', name, 'env'] })),
    ...Object.entries(raw.tasks ?? {}).map(([id, task]) => ({ env: task?.env, at: ['tasks', id, 'env'] })),
  ];
}
