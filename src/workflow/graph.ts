/** A dependency graph over task indices 0..size-1. */
export interface TaskGraph {
  size: number;
  /** needs[i]: the tasks i needs. */
  needs: number[][];
  /** dependents[i]: the tasks that need i. */
  dependents: number[][];
}

export function buildGraph(needs: number[][]): TaskGraph {
  const dependents: number[][] = needs.map(() => []);
  needs.forEach((list, i) => {
    for (const d of list) dependents[d]!.push(i);
  });
  return { size: needs.length, needs, dependents };
}

export interface Levels {
  /** Topological order (Kahn's algorithm, level by level). */
  order: number[];
  /** levels[k]: tasks whose longest chain of needs has k links. */
  levels: number[][];
  /** level of each task; -1 for tasks on or behind a cycle. */
  levelOf: Int32Array;
  /** Tasks not ordered because they are on or behind a cycle. */
  blocked: number[];
}

/**
 * Kahn's algorithm, iterative (no recursion, so a 100,000-task chain is fine),
 * returning topological levels in O(tasks + needs).
 */
export function topologicalLevels(graph: TaskGraph): Levels {
  const remaining = new Int32Array(graph.size);
  const levelOf = new Int32Array(graph.size).fill(-1);
  let frontier: number[] = [];
  for (let i = 0; i < graph.size; i++) {
    remaining[i] = graph.needs[i]!.length;
    if (remaining[i] === 0) frontier.push(i);
  }
  const order: number[] = [];
  const levels: number[][] = [];
  while (frontier.length) {
    const level = levels.length;
    levels.push(frontier);
    const next: number[] = [];
    for (const node of frontier) {
      levelOf[node] = level;
      order.push(node);
      for (const dependent of graph.dependents[node]!) {
        if (--remaining[dependent]! === 0) next.push(dependent);
      }
    }
    frontier = next;
  }
  const blocked: number[] = [];
  if (order.length < graph.size) for (let i = 0; i < graph.size; i++) if (levelOf[i] === -1) blocked.push(i);
  return { order, levels, levelOf, blocked };
}

/**
 * Finds up to `max` distinct cycles among `candidates` (the blocked tasks),
 * each as a list of tasks where each needs the next and the last needs the first.
 * Iterative depth-first search.
 */
export function findCycles(graph: TaskGraph, candidates: number[], max = 10): number[][] {
  const state = new Uint8Array(graph.size); // 0 new, 1 on stack, 2 done
  const cycles: number[][] = [];
  for (const start of candidates) {
    if (state[start] !== 0 || cycles.length >= max) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    state[start] = 1;
    while (stack.length && cycles.length < max) {
      const top = stack[stack.length - 1]!;
      const needs = graph.needs[top.node]!;
      if (top.next < needs.length) {
        const need = needs[top.next++]!;
        if (state[need] === 0) {
          state[need] = 1;
          stack.push({ node: need, next: 0 });
        } else if (state[need] === 1) {
          const from = stack.findIndex((frame) => frame.node === need);
          cycles.push(stack.slice(from).map((frame) => frame.node));
        }
      } else {
        state[top.node] = 2;
        stack.pop();
      }
    }
    for (const frame of stack) state[frame.node] = 2;
  }
  return cycles;
}

/** Whether `ancestor` is reachable from `task` by following needs (breadth-first). */
/** Every task `task` needs, directly or through others, marked (1): one walk for many questions. */
export function ancestors(graph: TaskGraph, task: number): Uint8Array {
  const seen = new Uint8Array(graph.size);
  const queue = [...graph.needs[task]!];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (seen[node]) continue;
    seen[node] = 1;
    for (const need of graph.needs[node]!) if (!seen[need]) queue.push(need);
  }
  return seen;
}

export function isAncestor(graph: TaskGraph, ancestor: number, task: number): boolean {
  if (graph.needs[task]!.includes(ancestor)) return true;
  const seen = new Uint8Array(graph.size);
  const queue = [...graph.needs[task]!];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === ancestor) return true;
    if (seen[node]) continue;
    seen[node] = 1;
    for (const need of graph.needs[node]!) if (!seen[need]) queue.push(need);
  }
  return false;
}
