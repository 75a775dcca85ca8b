import { describe, expect, it } from 'vitest';
import { buildGraph, topologicalLevels } from '../workflow/graph.js';
import type { Fairness, Priority } from '../workflow/model.js';
import type { Limits } from './capacity.js';
import { remainingPaths } from './critical-path.js';
import { PRIORITY_RANK, type QueueTask } from './ready-queue.js';
import { simulateSchedule } from './simulate.js';
import { seededRandom as random } from '../util/random.js';


/**
 * Textbook list scheduling, written independently: at every event, scan all
 * ready tasks in priority order and start each one that fits.
 */
function listSchedule(tasks: QueueTask[], needs: number[][], limits: Limits, fairness: Fairness): number[] {
  const n = tasks.length;
  const start: number[] = Array(n).fill(NaN);
  const end: number[] = Array(n).fill(NaN);
  const readyAt: number[] = Array(n).fill(NaN);
  const done = new Set<number>();
  const running = new Set<number>();
  let now = 0;
  while (done.size < n) {
    const ready: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(start[i]!) || !needs[i]!.every((d) => done.has(d))) continue;
      if (Number.isNaN(readyAt[i]!)) readyAt[i] = now;
      ready.push(i);
    }
    ready.sort((a, b) => {
      const pa = PRIORITY_RANK[tasks[a]!.priority] - PRIORITY_RANK[tasks[b]!.priority];
      if (pa) return pa;
      if (fairness === 'critical-path' && tasks[a]!.rank !== tasks[b]!.rank) return tasks[b]!.rank - tasks[a]!.rank;
      if (fairness === 'shortest-first' && tasks[a]!.estimate !== tasks[b]!.estimate) return tasks[a]!.estimate - tasks[b]!.estimate;
      if (fairness === 'fifo' && readyAt[a] !== readyAt[b]) return readyAt[a]! - readyAt[b]!;
      return a - b;
    });
    for (const t of ready) {
      if (running.size >= limits.maxConcurrency) break;
      const task = tasks[t]!;
      const sameAgent = [...running].filter((r) => task.agent !== undefined && tasks[r]!.agent === task.agent).length;
      if (task.agent !== undefined && limits.agents[task.agent] !== undefined && sameAgent >= limits.agents[task.agent]!) continue;
      const fits = Object.entries(task.resources).every(([name, amount]) =>
        [...running].reduce((sum, r) => sum + (tasks[r]!.resources[name] ?? 0), 0) + amount <= limits.resources[name]!);
      if (!fits) continue;
      if (task.group && [...running].filter((r) => tasks[r]!.group?.id === task.group!.id).length >= task.group.max) continue;
      running.add(t);
      start[t] = now;
      end[t] = now + task.estimate;
    }
    now = Math.min(...[...running].map((r) => end[r]!));
    for (const r of [...running]) {
      if (end[r] === now) {
        running.delete(r);
        done.add(r);
      }
    }
  }
  return start;
}

function randomWorkflow(seed: number, n: number) {
  const rnd = random(seed);
  const agents = ['a', 'b', 'c'];
  const priorities: Priority[] = ['critical', 'high', 'medium', 'medium', 'medium', 'low'];
  const needs = Array.from({ length: n }, (_, i) => {
    const list = new Set<number>();
    const count = Math.floor(rnd() * 3);
    for (let k = 0; k < count && i > 0; k++) list.add(Math.floor(rnd() * i));
    return [...list];
  });
  const graph = buildGraph(needs);
  const estimates = Array.from({ length: n }, () => Math.round(1 + rnd() * 9));
  const tail = remainingPaths(graph, estimates, topologicalLevels(graph).order);
  const tasks: QueueTask[] = estimates.map((estimate, i) => {
    // Matrices m0, m1, m2 with maxParallel 1, 2, 3 (their expansions need not be siblings here).
    const matrix = Math.floor(rnd() * 5);
    return {
      agent: rnd() < 0.7 ? agents[Math.floor(rnd() * 3)] : undefined,
      resources: rnd() < 0.3 ? { gpu: 1 + Math.floor(rnd() * 2) } : {},
      ...(matrix < 3 ? { group: { id: `m${matrix}`, max: matrix + 1 } } : {}),
      priority: priorities[Math.floor(rnd() * priorities.length)]!,
      estimate,
      rank: tail[i]!,
    };
  });
  return { graph, needs, tasks };
}

describe('simulateSchedule', () => {
  for (const fairness of ['critical-path', 'shortest-first', 'fifo'] as const) {
    it(`matches textbook list scheduling on random DAGs with agent, resource and maxParallel limits (${fairness})`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const { graph, needs, tasks } = randomWorkflow(seed, 40);
        const limits: Limits = { maxConcurrency: 1 + (seed % 4), agents: { a: 1, b: 2, c: undefined }, resources: { gpu: 2 } };
        const simulated = simulateSchedule(tasks, graph, limits, fairness);
        expect([...simulated.start], `seed ${seed}`).toEqual(listSchedule(tasks, needs, limits, fairness));
      }
    });
  }

  it('never runs more than the limits allow and never starts a task before its needs end', () => {
    const { graph, tasks } = randomWorkflow(99, 300);
    const limits: Limits = { maxConcurrency: 5, agents: { a: 1, b: 2, c: 3 }, resources: { gpu: 2 } };
    for (const fairness of ['critical-path', 'shortest-first', 'round-robin', 'fifo'] as const) {
      const s = simulateSchedule(tasks, graph, limits, fairness);
      const times = [...new Set([...s.start])];
      for (const t of times) {
        const running = tasks.map((_, i) => i).filter((i) => s.start[i]! <= t && t < s.end[i]!);
        expect(running.length).toBeLessThanOrEqual(5);
        expect(running.filter((i) => tasks[i]!.agent === 'a').length).toBeLessThanOrEqual(1);
        expect(running.filter((i) => tasks[i]!.agent === 'b').length).toBeLessThanOrEqual(2);
        expect(running.reduce((sum, i) => sum + (tasks[i]!.resources.gpu ?? 0), 0)).toBeLessThanOrEqual(2);
        for (const k of [0, 1, 2]) expect(running.filter((i) => tasks[i]!.group?.id === `m${k}`).length).toBeLessThanOrEqual(k + 1);
      }
      tasks.forEach((_, i) => graph.needs[i]!.forEach((d) => expect(s.start[i]!).toBeGreaterThanOrEqual(s.end[d]!)));
    }
  });

  it('counts every task\'s wait once, for what held it back: a limit that was full, or the global one', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 25; seed++) {
      const { graph, tasks } = randomWorkflow(seed, 60);
      const limits: Limits = { maxConcurrency: 1 + (seed % 5), agents: { a: 1, b: 2, c: undefined }, resources: { gpu: 2 }, rates: { c: { requests: 2, per: 5 } } };
      const s = simulateSchedule(tasks, graph, limits, 'critical-path');
      const counted = new Float64Array(tasks.length);
      for (const [key, byTask] of s.waits) {
        expect(key, `seed ${seed}`).toMatch(/^(concurrency|agent:a|agent:b|resource:gpu|group:m[012]|rate:c)$/);
        seen.add(key);
        for (const [task, waited] of byTask) {
          expect(waited).toBeGreaterThan(0);
          counted[task]! += waited;
        }
      }
      tasks.forEach((_, i) => expect(counted[i], `seed ${seed}, task ${i}`).toBeCloseTo(s.queueWait[i]!, 9));
    }
    // Each kind of limit held some task back in some seed.
    expect(new Set([...seen].map((key) => key.split(':')[0]))).toEqual(new Set(['agent', 'concurrency', 'group', 'rate', 'resource']));
  });
});

describe('rate limits in the simulation', () => {
  it('start at most `requests` tasks of an agent within any `per`, others running meanwhile', () => {
    const tasks = [
      ...Array.from({ length: 5 }, () => ({ agent: 'llm', resources: {}, priority: 'medium' as const, estimate: 1, rank: 1 })),
      { resources: {}, priority: 'medium' as const, estimate: 4, rank: 4 },
    ];
    const graph = buildGraph(tasks.map(() => []));
    const s = simulateSchedule(tasks, graph, { maxConcurrency: 8, agents: {}, resources: {}, rates: { llm: { requests: 2, per: 10 } } }, 'fifo');
    expect([...s.start]).toEqual([0, 0, 10, 10, 20, 0]);
    expect(s.makespan).toBe(21);
    // A third of a second's window: the fractions still add up to the right starts.
    const fine = simulateSchedule(tasks.slice(0, 5), buildGraph([[], [], [], [], []]), { maxConcurrency: 8, agents: {}, resources: {}, rates: { llm: { requests: 1, per: 0.1 } } }, 'fifo');
    expect([...fine.start].map((x) => Math.round(x * 10) / 10)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
  });

  it('start a task whose window opens just as another task ends', () => {
    const b = { agent: 'b', resources: {}, priority: 'medium' as const, estimate: 0.5, rank: 0.5 };
    const tasks = [b, { ...b }, { resources: {}, priority: 'medium' as const, estimate: 1, rank: 1 }];
    const s = simulateSchedule(tasks, buildGraph([[], [], []]), { maxConcurrency: 8, agents: {}, resources: {}, rates: { b: { requests: 1, per: 1 } } }, 'fifo');
    expect([...s.start]).toEqual([0, 1, 0]);
    expect(s.makespan).toBe(1.5);
  });
});
