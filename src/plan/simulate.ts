import { Heap } from '../util/heap.js';
import type { Fairness } from '../workflow/model.js';
import type { TaskGraph } from '../workflow/graph.js';
import { Capacity, type Limits } from './capacity.js';
import { ReadyQueue, type QueueTask } from './ready-queue.js';
import { WaitTally } from './wait-tally.js';

export interface SimulatedSchedule {
  start: Float64Array;
  end: Float64Array;
  /** Time each task waited in the ready queue. */
  queueWait: Float64Array;
  /**
   * What ready tasks waited for, and how long each: by blocker key
   * (`agent:x`, `resource:r`, `group:t`, `rate:x`), or `concurrency` for a
   * free slot under the global limit (WaitTally).
   */
  waits: Map<string, Map<number, number>>;
  makespan: number;
}

/**
 * Runs the runner's own scheduling choice (ReadyQueue + Capacity) on a
 * simulated clock where every task takes exactly its estimate: the planned
 * start and end of every task. With `barriers` (topological levels), a level
 * starts only when the whole previous level has finished: the naive
 * level-by-level execution, for comparison.
 */
export function simulateSchedule(tasks: readonly QueueTask[], graph: TaskGraph, limits: Limits, fairness: Fairness, barriers?: readonly (readonly number[])[]): SimulatedSchedule {
  const n = tasks.length;
  const start = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  const readyAt = new Float64Array(n);
  const queueWait = new Float64Array(n);
  let now = 0;
  const capacity = new Capacity(limits, () => now);
  const tally = new WaitTally();
  const queue = new ReadyQueue(tasks, fairness, (task, blocker) => tally.parked(task, blocker, now));
  const remaining = new Int32Array(n);
  const finishing = new Heap<number>((a, b) => end[a]! < end[b]! || (end[a] === end[b] && a < b));
  let level = 0;
  let leftInLevel = 0;

  const pushLevel = () => {
    while (barriers && level < barriers.length && leftInLevel === 0) {
      leftInLevel = barriers[level]!.length;
      for (const task of barriers[level]!) {
        readyAt[task] = now;
        tally.ready(task, now);
        queue.push(task, now);
      }
      level++;
    }
  };
  if (barriers) {
    pushLevel();
  } else {
    for (let i = 0; i < n; i++) {
      remaining[i] = graph.needs[i]!.length;
      if (remaining[i] === 0) {
        tally.ready(i, 0);
        queue.push(i, 0);
      }
    }
  }
  const fill = () => {
    for (let task = queue.take(capacity); task !== undefined; task = queue.take(capacity)) {
      capacity.acquire(tasks[task]!);
      tally.started(task, now);
      start[task] = now;
      queueWait[task] = now - readyAt[task]!;
      end[task] = now + tasks[task]!.estimate;
      finishing.push(task);
    }
  };
  fill();
  let makespan = 0;
  for (;;) {
    // Tasks held back by a rate limit start when its window lets them, if nothing ends first
    // (a window that opened while tasks were ending lets them go now).
    if (queue.size && queue.release(capacity.openRateKeys())) fill();
    const rate = queue.size ? capacity.nextRateRelease() : undefined;
    if (rate && (!finishing.size || rate.at < end[finishing.peek()!]!)) {
      now = rate.at;
      queue.release([rate.key]);
      fill();
      continue;
    }
    if (!finishing.size) break;
    now = end[finishing.peek()!]!;
    while (finishing.size && end[finishing.peek()!] === now) {
      const task = finishing.pop()!;
      makespan = now;
      queue.release(capacity.release(tasks[task]!));
      if (barriers) {
        leftInLevel--;
        continue;
      }
      for (const dependent of graph.dependents[task]!) {
        if (--remaining[dependent]! === 0) {
          readyAt[dependent] = now;
          tally.ready(dependent, now);
          queue.push(dependent, now);
        }
      }
    }
    pushLevel();
    fill();
  }
  return { start, end, queueWait, waits: tally.waits, makespan };
}
