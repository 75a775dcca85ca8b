import type { TaskGraph } from '../workflow/graph.js';

/**
 * For each task, the longest estimated path from its start to the end of the
 * workflow (itself included), computed in reverse topological order.
 */
export function remainingPaths(graph: TaskGraph, estimates: ArrayLike<number>, order: readonly number[]): Float64Array {
  const tail = new Float64Array(graph.size);
  for (let k = order.length - 1; k >= 0; k--) {
    const task = order[k]!;
    let longest = 0;
    for (const dependent of graph.dependents[task]!) if (tail[dependent]! > longest) longest = tail[dependent]!;
    tail[task] = estimates[task]! + longest;
  }
  return tail;
}

export interface CriticalPath {
  tasks: number[];
  duration: number;
}

/** The longest estimated chain of needs (ties: earliest in file order). */
export function criticalPath(graph: TaskGraph, tail: Float64Array): CriticalPath {
  let current = -1;
  for (let i = 0; i < graph.size; i++) {
    if (graph.needs[i]!.length === 0 && (current === -1 || tail[i]! > tail[current]!)) current = i;
  }
  if (current === -1) return { tasks: [], duration: 0 };
  const duration = tail[current]!;
  const tasks: number[] = [];
  while (current !== -1) {
    tasks.push(current);
    let next = -1;
    for (const dependent of graph.dependents[current]!) {
      if (next === -1 || tail[dependent]! > tail[next]! || (tail[dependent] === tail[next] && dependent < next)) next = dependent;
    }
    current = next;
  }
  return { tasks, duration };
}
