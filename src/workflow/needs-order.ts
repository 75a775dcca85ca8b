import { buildGraph, topologicalLevels } from './graph.js';
import type { Workflow } from './model.js';

/** The indices of a task's needs. */
export function needIndices(workflow: Workflow, i: number): number[] {
  return workflow.tasks[i]!.needs.map((id) => workflow.taskIndex.get(id)!);
}

/** Task indices with every task's needs before it (a loaded workflow has no cycles). */
export function needsFirst(workflow: Workflow): number[] {
  return topologicalLevels(buildGraph(workflow.tasks.map((_, i) => needIndices(workflow, i)))).order;
}
