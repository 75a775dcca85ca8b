import { createHash } from 'node:crypto';
import type { TaskSpec, Workflow } from './model.js';
import { projectPath, projectRoot } from './project-root.js';
import { isDefaultShell } from './shell.js';
import { ownValue } from '../util/own-value.js';

/**
 * A hash of everything that decides what a task does: its command (or its
 * agent's), shell, prompt, params, environment, working directory (within
 * the project, relative to its root: `root`), artifacts,
 * sources, condition and needs. A task whose hash changed is run again on resume and does not
 * inherit the durations of its earlier definition. Input values are not in it
 * (a new version number is the same task, with the same durations): resume
 * compares the inputs a task uses on their own. For a task of an included
 * file, how its inputs were given (`with`, or a default) is.
 */
export function definitionHash(workflow: Workflow, task: TaskSpec, root = projectRoot(workflow.dir)): string {
  const agent = task.agent === undefined ? undefined : ownValue(workflow.agents, task.agent);
  const fields = task.unfilled ?? task;
  const data = JSON.stringify([
    task.kind, fields.command, agent?.command ?? null, fields.prompt ?? null, fields.params, fields.env,
    // Where the project is does not change what a task does: a moved project keeps its history.
    projectPath(root, fields.cwd), fields.artifacts, [...task.needs].sort(), task.matrix ?? null,
    // Only another shell counts, so that the hashes of earlier runs still match; sources likewise.
    ...(isDefaultShell(task.shell) ? [] : [task.shell]),
    ...(fields.sources?.length ? [{ sources: fields.sources }] : []),
    ...(task.when ? [{ when: task.when.source }] : []),
    ...(task.dynamicMatrix ? [{ dynamicMatrix: task.dynamicMatrix }] : []),
    ...(task.captureStdout ? [{ captureStdout: task.captureStdout }] : []),
    // What makes it ready is part of what it does; how often that is tried is not.
    ...(task.service ? [{ service: (task.unfilled ? task.unfilled.ready : task.service.ready) ?? true }] : []),
    ...(task.outputSchema ? [{ outputSchema: task.outputSchema }] : []),
    ...(task.inputBindings?.length ? [{ inputs: task.inputBindings }] : []),
  ]);
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/**
 * The definition hash of an expansion of a matrix from outputs (`review[a.ts]`),
 * which joins during the run: its task's hash and its own id, the same in
 * every run while the task is unchanged.
 */
export function expansionHash(taskHash: string, id: string): string {
  return createHash('sha256').update(`${taskHash}\0${id}`).digest('hex').slice(0, 16);
}

const cache = new WeakMap<Workflow, Map<string, string>>();

/** Every task's definition hash by id, computed once per loaded workflow. */
export function definitionHashes(workflow: Workflow): Map<string, string> {
  let hashes = cache.get(workflow);
  if (!hashes) {
    const root = projectRoot(workflow.dir);
    hashes = new Map(workflow.tasks.map((t) => [t.id, definitionHash(workflow, t, root)]));
    cache.set(workflow, hashes);
  }
  return hashes;
}
