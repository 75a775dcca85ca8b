import { error, type Diagnostic } from './diagnostics.js';
import { buildGraph, findCycles, topologicalLevels, type Levels, type TaskGraph } from './graph.js';
import type { Workflow } from './model.js';

export interface GraphCheck {
  graph: TaskGraph;
  levels: Levels;
  diagnostics: Diagnostic[];
}

/**
 * Orders the tasks and reports every dependency cycle as a whole
 * (`a -> b -> c -> a`, where each task runs after the one before it),
 * pointing at the `needs` entry that closes it.
 */
export function checkGraph(workflow: Workflow, needs: number[][], needIndex: number[][]): GraphCheck {
  const graph = buildGraph(needs);
  const levels = topologicalLevels(graph);
  const diagnostics: Diagnostic[] = [];
  if (levels.blocked.length) {
    for (const cycle of findCycles(graph, levels.blocked)) {
      // cycle[i] needs cycle[i + 1]; in run order each task follows the next one.
      const runOrder = [...cycle].reverse();
      const first = runOrder.indexOf(Math.min(...runOrder));
      const rotated = [...runOrder.slice(first), ...runOrder.slice(0, first)];
      const head = rotated[0]!;
      const closing = rotated[rotated.length - 1]!;
      const ids = [...rotated, head].map((i) => workflow.tasks[i]!.id);
      const task = workflow.tasks[head]!;
      const k = needs[head]!.indexOf(closing);
      const j = needIndex[head]![k]!;
      diagnostics.push(error('cycle', `dependency cycle: ${ids.join(' -> ')}`, [...task.path, 'needs', j]));
    }
  }
  return { graph, levels, diagnostics };
}
