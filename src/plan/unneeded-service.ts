import type { TaskSpec } from '../workflow/model.js';
import type { TaskGraph } from '../workflow/graph.js';

/**
 * Whether service `i` is needed by nobody that runs: it has tasks that need
 * it (among those `included`), and each of them certainly does not run —
 * `notRun` says so (up to date, reused, ended, a `when` false before the
 * run), or it is itself a service needed by nobody that runs. Such a service
 * is not started; one that no task needs at all still is (run on its own, to
 * see it come up). The run and the plan decide by this one rule.
 */
export function unneededService(i: number, tasks: readonly TaskSpec[], graph: TaskGraph, included: (i: number) => boolean, notRun: (i: number) => boolean): boolean {
  if (!tasks[i]?.service) return false;
  const dependents = graph.dependents[i]!.filter(included);
  return dependents.length > 0 && dependents.every((d) => notRun(d) || unneededService(d, tasks, graph, included, notRun));
}

/**
 * Whether a memoized task's answer can be known before the services it needs
 * start: nothing but its needs decides whether it runs (no `when`, not
 * `if: failure`), and a service's outputs are not part of its memo key. The
 * run looks it up once the tasks its key reads have ended (its other needs
 * can only skip it); the plan counts it when it is memoized before the run.
 */
export function memoKnownBeforeServices(task: TaskSpec): boolean {
  return task.memoize !== undefined && !task.dynamicMatrix && !task.when && task.if !== 'failure';
}
