import { describe, expect, it } from 'vitest';
import { Capacity } from './capacity.js';
import { ReadyQueue, type QueueTask } from './ready-queue.js';

/** Runs every task of `tasks` through a queue one start at a time; the order and how many blocker checks it took. */
function drainInOrder(tasks: QueueTask[], capacity: Capacity) {
  let checks = 0;
  const counting = { hasFreeSlot: () => capacity.hasFreeSlot(), blocker: (t: QueueTask) => (checks++, capacity.blocker(t)) };
  const queue = new ReadyQueue(tasks, 'critical-path');
  tasks.forEach((_, i) => queue.push(i, 0));
  const order: number[] = [];
  while (queue.size) {
    const started: number[] = [];
    for (let t = queue.take(counting); t !== undefined; t = queue.take(counting)) {
      capacity.acquire(tasks[t]!);
      started.push(t);
    }
    expect(started.length).toBeGreaterThan(0);
    for (const t of started) {
      order.push(t);
      queue.release(capacity.release(tasks[t]!));
    }
  }
  return { order, checks };
}

describe('ReadyQueue', () => {
  it('counts the tasks parked by what they wait for, a resource\'s whatever amount they need, and forgets those let go', () => {
    const tasks: QueueTask[] = [
      { agent: 'a', resources: {}, priority: 'medium', estimate: 1, rank: 9 },
      { agent: 'a', resources: {}, priority: 'medium', estimate: 1, rank: 8 },
      { agent: 'a', resources: {}, priority: 'medium', estimate: 1, rank: 7 },
      { resources: { gpu: 1 }, priority: 'medium', estimate: 1, rank: 6 },
      { resources: { gpu: 1 }, priority: 'medium', estimate: 1, rank: 5 },
      { resources: { gpu: 2 }, priority: 'medium', estimate: 1, rank: 4 },
    ];
    const capacity = new Capacity({ maxConcurrency: 8, agents: { a: 1 }, resources: { gpu: 2 } });
    const queue = new ReadyQueue(tasks, 'critical-path');
    tasks.forEach((_, i) => queue.push(i, 0));
    expect(queue.parkedTasks()).toEqual([]);
    const started: number[] = [];
    for (let t = queue.take(capacity); t !== undefined; t = queue.take(capacity)) {
      capacity.acquire(tasks[t]!);
      started.push(t);
    }
    expect(started).toEqual([0, 3, 4]);
    expect(queue.parkedTasks()).toEqual([{ blocker: 'agent:a', tasks: 2, some: 1 }, { blocker: 'resource:gpu', tasks: 1, some: 5 }]);
    queue.release(capacity.release(tasks[0]!));
    expect(queue.take(capacity)).toBe(1);
    capacity.acquire(tasks[1]!);
    expect(queue.take(capacity)).toBeUndefined();
    expect(queue.parkedTasks()).toEqual([{ blocker: 'agent:a', tasks: 1, some: 2 }, { blocker: 'resource:gpu', tasks: 1, some: 5 }]);
  });

  it('hands out 10,000 tasks waiting for one agent with a check or two each, not a rescan of the queue per start', () => {
    const n = 10_000;
    const tasks: QueueTask[] = Array.from({ length: n }, (_, i) => ({ agent: 'a', resources: {}, priority: 'medium', estimate: 1, rank: n - i }));
    const { order, checks } = drainInOrder(tasks, new Capacity({ maxConcurrency: 8, agents: { a: 1 }, resources: {} }));
    expect(order).toEqual(tasks.map((_, i) => i));
    expect(checks).toBeLessThan(3 * n);
  });

  it('does the same for a matrix\'s maxParallel and a resource, and lets a task that needs less of a resource go past one that needs more', () => {
    const n = 2_000;
    const group: QueueTask[] = Array.from({ length: n }, (_, i) => ({ resources: {}, group: { id: 'm', max: 2 }, priority: 'medium', estimate: 1, rank: n - i }));
    const grouped = drainInOrder(group, new Capacity({ maxConcurrency: 8, agents: {}, resources: {} }));
    expect(grouped.order).toEqual(group.map((_, i) => i));
    expect(grouped.checks).toBeLessThan(3 * n);
    // gpu capacity 2: the big task (2) waits while two small ones (1 each) run; the rest follow in rank order.
    const mixed: QueueTask[] = [
      { resources: { gpu: 1 }, priority: 'medium', estimate: 1, rank: 9 },
      { resources: { gpu: 2 }, priority: 'medium', estimate: 1, rank: 8 },
      { resources: { gpu: 1 }, priority: 'medium', estimate: 1, rank: 7 },
      { resources: { gpu: 1 }, priority: 'medium', estimate: 1, rank: 6 },
    ];
    expect(drainInOrder(mixed, new Capacity({ maxConcurrency: 8, agents: {}, resources: { gpu: 2 } })).order).toEqual([0, 2, 1, 3]);
  });
});
