import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../workflow/model.js';
import { buildGraph } from '../workflow/graph.js';
import { memoKnownBeforeServices, unneededService } from './unneeded-service.js';

// 0 db (service) <- 1 proxy (service) <- 2 build; 0 <- 3 e2e; 4 alone (service, needed by nobody); 5 plain <- 6
const service = { interval: 1 };
const tasks = [{ service }, { service }, {}, {}, { service }, {}, {}] as unknown as TaskSpec[];
const graph = buildGraph([[], [0], [1], [0], [], [], [5]]);
const all = () => true;

describe('unneededService', () => {
  it('is true when every task that needs the service certainly does not run, through services that need it', () => {
    const notRun = new Set([2, 3]);
    expect(unneededService(0, tasks, graph, all, (i) => notRun.has(i))).toBe(true);
    expect(unneededService(1, tasks, graph, all, (i) => notRun.has(i))).toBe(true);
  });

  it('is false when one of them may run, directly or through a service that needs it', () => {
    expect(unneededService(0, tasks, graph, all, (i) => i === 2)).toBe(false);
    expect(unneededService(0, tasks, graph, all, (i) => i === 3)).toBe(false);
    expect(unneededService(1, tasks, graph, all, (i) => i === 3)).toBe(false);
  });

  it('counts only the tasks the run includes, and starts a service that no task needs, or that is not a service', () => {
    // --only db,e2e: build (and proxy) are not in the run.
    const only = new Set([0, 3]);
    expect(unneededService(0, tasks, graph, (i) => only.has(i), (i) => i === 3)).toBe(true);
    expect(unneededService(0, tasks, graph, (i) => i === 0, () => true)).toBe(false);
    expect(unneededService(4, tasks, graph, all, () => true)).toBe(false);
    expect(unneededService(5, tasks, graph, all, () => true)).toBe(false);
  });
});

describe('memoKnownBeforeServices', () => {
  const memoized = { memoize: {}, if: 'success' } as unknown as TaskSpec;
  it('is true for a memoized task that only its needs decide to run', () => {
    expect(memoKnownBeforeServices(memoized)).toBe(true);
    expect(memoKnownBeforeServices({ ...memoized, if: 'always' })).toBe(true);
  });
  it('is false without memoize, with a `when`, for `if: failure`, and for a matrix from outputs', () => {
    expect(memoKnownBeforeServices({ ...memoized, memoize: undefined })).toBe(false);
    expect(memoKnownBeforeServices({ ...memoized, when: { source: 'x', condition: {} } } as unknown as TaskSpec)).toBe(false);
    expect(memoKnownBeforeServices({ ...memoized, if: 'failure' })).toBe(false);
    expect(memoKnownBeforeServices({ ...memoized, dynamicMatrix: { k: 'x' } } as unknown as TaskSpec)).toBe(false);
  });
});
