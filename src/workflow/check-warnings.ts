import { warning, type Diagnostic } from './diagnostics.js';
import { isAncestor, type TaskGraph } from './graph.js';
import type { Workflow } from './model.js';
import { resolve } from 'node:path';

/**
 * Suspicious but valid things: an agent allowed more concurrency than the
 * explicit global limit, and one artifact declared by two tasks that may run
 * at the same time (neither needs the other).
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
