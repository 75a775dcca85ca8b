import { definitionHashes, expansionHash } from '../workflow/definition-hash.js';
import { needIndices } from '../workflow/needs-order.js';
import { workflowGraph } from '../plan/plan.js';
import type { TaskSpec, Workflow } from '../workflow/model.js';

/** Whether every input the task uses had the same value in an earlier run (null: held a secret, not kept). */
export function sameInputs(workflow: Workflow, task: TaskSpec, previousInputs: Readonly<Record<string, string | null>>): boolean {
  return (task.inputsUsed ?? []).every((name) => Object.hasOwn(previousInputs, name) && previousInputs[name] === workflow.inputs[name]);
}

/**
 * Which tasks a resumed run may skip: those that succeeded in the earlier run
 * with an unchanged definition and the same values of the inputs they use
 * (`previousInputs`: the earlier run's; null where it held a secret and was
 * not kept), and whose needs are all skipped too (a task downstream of one
 * that runs again runs again, with the new outputs). Not the needs of
 * cleanup (`runOnInterrupt`) that ran there (`ran`: the ids of the tasks
 * that had an attempt): it may have undone what they made (deleted the
 * preview a deploy made), so they make it again before their dependents use it.
 */
export function planReuse(workflow: Workflow, succeeded: ReadonlyMap<string, { hash: string; outputs: Record<string, string> }>, previousInputs: Readonly<Record<string, string | null>> = {}, ran: ReadonlySet<string> = new Set()): Map<number, Record<string, string>> {
  const reused = new Map<number, Record<string, string>>();
  const hashes = definitionHashes(workflow);
  const { graph, levels } = workflowGraph(workflow);
  // A matrix from outputs ran as its expansions (`clean[a]`).
  const ranExpansionsOf = new Set([...ran].flatMap((id) => (id.includes('[') ? [id.slice(0, id.indexOf('['))] : [])));
  const undone = new Set<number>();
  workflow.tasks.forEach((task, i) => {
    if (task.runOnInterrupt && (ran.has(task.id) || (task.dynamicMatrix && ranExpansionsOf.has(task.id)))) for (const n of graph.needs[i]!) undone.add(n);
  });
  // A service is infrastructure its dependents use, not an input of theirs: one that is needed runs
  // again whatever its earlier run did (its process is gone), and one no task that runs needs does not.
  const services = new Map<number, Record<string, string>>();
  for (const i of levels.order) {
    const task = workflow.tasks[i]!;
    const previous = succeeded.get(task.id);
    if (!previous || undone.has(i) || previous.hash !== hashes.get(task.id) || !sameInputs(workflow, task, previousInputs)) continue;
    if (!graph.needs[i]!.every((n) => reused.has(n) || services.has(n))) continue;
    if (task.service) services.set(i, previous.outputs);
    else reused.set(i, previous.outputs);
  }
  for (const [i, outputs] of services) {
    if (graph.dependents[i]!.every((d) => reused.has(d))) reused.set(i, outputs);
  }
  return reused;
}

/**
 * Which expansions of a matrix from outputs a resumed run may skip when they
 * join (id -> outputs): those that succeeded in the earlier run, of a task
 * that did not succeed there as a whole (a crash, or some expansions failed)
 * but would otherwise be reused — unchanged, with the same inputs, every need
 * reused, so its lists come out the same.
 */
export function planExpansionReuse(workflow: Workflow, succeeded: ReadonlyMap<string, { hash: string; outputs: Record<string, string> }>, reused: ReadonlyMap<number, unknown>, previousInputs: Readonly<Record<string, string | null>> = {}): Map<string, Record<string, string>> {
  const expansions = new Map<string, Record<string, string>>();
  const hashes = definitionHashes(workflow);
  const groups = new Map<string, string>();
  workflow.tasks.forEach((task, i) => {
    if (task.dynamicMatrix && !reused.has(i) && sameInputs(workflow, task, previousInputs) && needIndices(workflow, i).every((n) => reused.has(n))) groups.set(task.id, hashes.get(task.id)!);
  });
  if (!groups.size) return expansions;
  for (const [id, previous] of succeeded) {
    const bracket = id.indexOf('[');
    const taskHash = bracket > 0 ? groups.get(id.slice(0, bracket)) : undefined;
    if (taskHash !== undefined && previous.hash === expansionHash(taskHash, id)) expansions.set(id, previous.outputs);
  }
  return expansions;
}
