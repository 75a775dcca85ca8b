import { Heap } from '../util/heap.js';
import type { Fairness, Priority } from '../workflow/model.js';
import type { Capacity, SchedTask } from './capacity.js';

/** What the scheduler knows of a task. */
export interface QueueTask extends SchedTask {
  priority: Priority;
  /** Estimated duration in seconds. */
  estimate: number;
  /** Longest estimated path from this task to the end, itself included. */
  rank: number;
}

export const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

const SHELL_GROUP = '\u0000shell';

/**
 * The scheduling choice, shared by the planner's simulation and the runner:
 * holds the ready tasks and hands out the best one that can start now.
 * Order: priority (critical > high > medium > low), then the fairness rule
 * (`critical-path`: longest remaining path; `shortest-first`; `fifo`: ready
 * order; `round-robin`: alternate between agents), then file order.
 * A task that cannot start because its agent or a resource is full is parked
 * under that blocker and returns when `release` says it freed, so lower tasks
 * may start meanwhile (backfilling) without rescanning the queue.
 */
export class ReadyQueue {
  private readonly heaps = new Map<string, Heap<number>>();
  private readonly parked = new Map<string, number[]>();
  private readonly lastServed = new Map<string, number>();
  private served = 0;
  private count = 0;

  private seq: Float64Array;

  private readonly tasks: QueueTask[];

  constructor(tasks: readonly QueueTask[], private readonly fairness: Fairness) {
    this.tasks = [...tasks];
    this.seq = new Float64Array(tasks.length);
  }

  /** A task that joins once the run is under way (a matrix expanded from outputs): it gets the next index, which it returns. */
  add(task: QueueTask): number {
    this.tasks.push(task);
    if (this.tasks.length > this.seq.length) {
      const grown = new Float64Array(Math.max(16, this.seq.length * 2));
      grown.set(this.seq);
      this.seq = grown;
    }
    return this.tasks.length - 1;
  }

  /** Tasks waiting (queued or parked). */
  get size(): number {
    return this.count;
  }

  /** Adds a task that became ready at time `at` (fifo and round-robin order by it, then by file order). */
  push(task: number, at: number): void {
    this.seq[task] = at;
    this.count++;
    this.enqueue(task);
  }

  /** Returns parked tasks waiting for the freed blockers to the queue; how many there were. */
  release(keys: Iterable<string>): number {
    let released = 0;
    for (const key of keys) {
      const list = this.parked.get(key);
      if (!list) continue;
      this.parked.delete(key);
      for (const task of list) this.enqueue(task);
      released += list.length;
    }
    return released;
  }

  /** The best ready task that fits `capacity` now (removed from the queue), or undefined. */
  take(capacity: Pick<Capacity, 'hasFreeSlot' | 'blocker'>): number | undefined {
    if (!capacity.hasFreeSlot()) return undefined;
    for (;;) {
      const group = this.bestGroup();
      if (group === undefined) return undefined;
      const heap = this.heaps.get(group)!;
      const task = heap.pop()!;
      if (!heap.size) this.heaps.delete(group);
      const blocker = capacity.blocker(this.tasks[task]!);
      if (blocker === undefined) {
        this.count--;
        this.lastServed.set(group, ++this.served);
        return task;
      }
      const list = this.parked.get(blocker);
      if (list) list.push(task);
      else this.parked.set(blocker, [task]);
    }
  }

  /** Removes and returns every waiting task (for cancellation). */
  drain(): number[] {
    const out: number[] = [];
    for (const heap of this.heaps.values()) for (let t = heap.pop(); t !== undefined; t = heap.pop()) out.push(t);
    for (const list of this.parked.values()) out.push(...list);
    this.heaps.clear();
    this.parked.clear();
    this.count = 0;
    return out;
  }

  /** Removes the waiting tasks that `reject` selects and returns them. */
  remove(reject: (task: number) => boolean): number[] {
    const all = this.drain();
    const removed: number[] = [];
    for (const task of all) {
      if (reject(task)) removed.push(task);
      else {
        this.count++;
        this.enqueue(task);
      }
    }
    return removed;
  }

  private groupOf(task: number): string {
    return this.fairness === 'round-robin' ? this.tasks[task]!.agent ?? SHELL_GROUP : '';
  }

  private enqueue(task: number): void {
    const group = this.groupOf(task);
    let heap = this.heaps.get(group);
    if (!heap) {
      heap = new Heap<number>(this.less);
      this.heaps.set(group, heap);
    }
    heap.push(task);
  }

  /** The group whose head goes next: best priority, then least recently served. */
  private bestGroup(): string | undefined {
    let best: string | undefined;
    let bestPriority = Infinity;
    let bestServed = Infinity;
    for (const [group, heap] of this.heaps) {
      const priority = PRIORITY_RANK[this.tasks[heap.peek()!]!.priority];
      const served = this.lastServed.get(group) ?? -1;
      if (priority < bestPriority || (priority === bestPriority && served < bestServed)) {
        best = group;
        bestPriority = priority;
        bestServed = served;
      }
    }
    return best;
  }

  private readonly less = (a: number, b: number): boolean => {
    const ta = this.tasks[a]!;
    const tb = this.tasks[b]!;
    const pa = PRIORITY_RANK[ta.priority];
    const pb = PRIORITY_RANK[tb.priority];
    if (pa !== pb) return pa < pb;
    switch (this.fairness) {
      case 'critical-path':
        if (ta.rank !== tb.rank) return ta.rank > tb.rank;
        break;
      case 'shortest-first':
        if (ta.estimate !== tb.estimate) return ta.estimate < tb.estimate;
        break;
      case 'fifo':
      case 'round-robin':
        if (this.seq[a] !== this.seq[b]) return this.seq[a]! < this.seq[b]!;
        break;
    }
    return a < b;
  };
}
