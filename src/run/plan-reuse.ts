import { definitionHashes } from '../workflow/definition-hash.js';
import type { Workflow } from '../workflow/model.js';

/**
 * Which tasks a resumed run may skip: those that succeeded in the earlier run
 * with an unchanged definition and the same values of the inputs they use
 * (`previousInputs`: the earlier run's; null where it held a secret and was
 * not kept), and whose needs are all skipped too (a task downstream of one
 * that runs again runs again, with the new outputs).
 */
export function planReuse(workflow: Workflow, succeeded: ReadonlyMap<string, { hash: string; outputs: Record<string, string> }>, previousInputs: Readonly<Record<string, string | null>> = {}): Map<number, Record<string, string>> {
  const sameInputs = (names: readonly string[] | undefined) => (names ?? []).every((name) => Object.hasOwn(previousInputs, name) && previousInputs[name] === workflow.inputs[name]);
  const reused = new Map<number, Record<string, string>>();
  const done = new Uint8Array(workflow.tasks.length);
  const hashes = definitionHashes(workflow);
  const visit = (start: number): void => {
    // Iterative post-order over needs, so needs are decided first.
    const stack: Array<[number, boolean]> = [[start, false]];
    while (stack.length) {
      const [i, expanded] = stack.pop()!;
      if (done[i]) continue;
      const task = workflow.tasks[i]!;
      const needs = task.needs.map((id) => workflow.taskIndex.get(id)!);
      if (!expanded) {
        stack.push([i, true]);
        for (const n of needs) if (!done[n]) stack.push([n, false]);
        continue;
      }
      done[i] = 1;
      const previous = succeeded.get(task.id);
      if (previous && previous.hash === hashes.get(task.id) && sameInputs(task.inputsUsed) && needs.every((n) => reused.has(n))) reused.set(i, previous.outputs);
    }
  };
  workflow.tasks.forEach((_, i) => visit(i));
  return reused;
}
