import { describe, expect, it } from 'vitest';
import { buildGraph, findCycles, isAncestor, topologicalLevels } from './graph.js';
import { load } from './test-helpers.js';

describe('graph checks', () => {
  it('reports a whole cycle in run order at the need that closes it', () => {
    const d = load('version: 1\ntasks:\n  a: { run: x, needs: [c] }\n  b: { run: x, needs: [a] }\n  c: { run: x, needs: [b] }\n  d: { run: x, needs: [a] }\n').diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'cycle', message: 'dependency cycle: a -> b -> c -> a', position: { line: 3, column: 24 } });
  });
  it('reports separate cycles separately', () => {
    const d = load('version: 1\ntasks:\n  a: { run: x, needs: b }\n  b: { run: x, needs: a }\n  c: { run: x, needs: d }\n  d: { run: x, needs: c }\n').diagnostics;
    expect(d.map((x) => x.message)).toEqual(['dependency cycle: a -> b -> a', 'dependency cycle: c -> d -> c']);
  });
  it('orders a 100,000-task chain without recursion', () => {
    const n = 100_000;
    const graph = buildGraph(Array.from({ length: n }, (_, i) => (i ? [i - 1] : [])));
    const levels = topologicalLevels(graph);
    expect(levels.levels).toHaveLength(n);
    expect(levels.blocked).toEqual([]);
    const cyclic = buildGraph(Array.from({ length: n }, (_, i) => [(i + n - 1) % n]));
    const cycles = findCycles(cyclic, topologicalLevels(cyclic).blocked);
    expect(cycles[0]).toHaveLength(n);
  });
  it('answers ancestry through several links', () => {
    const graph = buildGraph([[], [0], [1], []]);
    expect(isAncestor(graph, 0, 2)).toBe(true);
    expect(isAncestor(graph, 2, 0)).toBe(false);
    expect(isAncestor(graph, 3, 2)).toBe(false);
  });
});
