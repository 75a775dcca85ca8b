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

/** Tasks parked under one blocker: in queue order; `open` once the blocker freed and until its best is seen blocked by it again. */
interface Parked {
  heap: Heap<number>;
  open: boolean;
}

/**
 * The scheduling choice, shared by the planner's simulation and the runner:
 * holds the ready tasks and hands out the best one that can start now.
 * Order: priority (critical > high > medium > low), then the fairness rule
 * (`critical-path`: longest remaining path; `shortest-first`; `fifo`: ready
 * order; `round-robin`: alternate between agents), then file order.
 * A task that cannot start because its agent, a resource or its matrix's
 * `maxParallel` is full is parked under that blocker, so lower tasks may start
 * meanwhile (backfilling) without rescanning the queue. When `release` says a
 * blocker freed, its parked tasks compete again from their own heap, best
 * first; once its best is blocked by it again the rest are too (they wait for
 * the same agent, window, matrix, or the same amount of the same resource),
 * so 10,000 tasks behind one agent cost a heap step per start, not a rescan.
 */
export class ReadyQueue {
  private readonly heaps = new Map<string, Heap<number>>();
  /** By parking key: the blocker key, and for a resource also the amount (`resource:gpu#2`). */
  private readonly parked = new Map<string, Parked>();
  /** The parking keys of each blocker key. */
  private readonly parkingKeys = new Map<string, string[]>();
  private readonly lastServed = new Map<string, number>();
  private served = 0;
  private count = 0;

  private seq: Float64Array;

  private readonly tasks: QueueTask[];

  /** @param onPark told each time a task is parked: what it waits for now (the planner counts the waits by it) */
  constructor(tasks: readonly QueueTask[], private readonly fairness: Fairness, private readonly onPark?: (task: number, blocker: string) => void) {
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

  /** Lets the tasks parked on the freed blockers compete again; how many there were (not counting those already let). */
  release(keys: Iterable<string>): number {
    let released = 0;
    for (const key of keys) {
      for (const parkingKey of this.parkingKeys.get(key) ?? []) {
        const parked = this.parked.get(parkingKey)!;
        if (parked.open || !parked.heap.size) continue;
        parked.open = true;
        released += parked.heap.size;
      }
    }
    return released;
  }

  /** The best ready task that fits `capacity` now (removed from the queue), or undefined. */
  take(capacity: Pick<Capacity, 'hasFreeSlot' | 'blocker'>): number | undefined {
    if (!capacity.hasFreeSlot()) return undefined;
    for (;;) {
      const group = this.bestGroup();
      let from: Parked | undefined;
      let task = group === undefined ? undefined : this.heaps.get(group)!.peek()!;
      for (const parked of this.parked.values()) {
        if (!parked.open) continue;
        const head = parked.heap.peek();
        if (head === undefined) parked.open = false;
        else if (task === undefined || this.before(head, task)) {
          task = head;
          from = parked;
        }
      }
      if (task === undefined) return undefined;
      const blocker = capacity.blocker(this.tasks[task]!);
      const parkingKey = blocker === undefined ? undefined : this.parkingKey(blocker, task);
      if (from && parkingKey !== undefined && this.parked.get(parkingKey) === from) {
        // Still blocked by what it waited for: so is the rest of its heap.
        from.open = false;
        continue;
      }
      if (from) from.heap.pop();
      else {
        const heap = this.heaps.get(group!)!;
        heap.pop();
        if (!heap.size) this.heaps.delete(group!);
      }
      if (parkingKey === undefined) {
        this.count--;
        this.lastServed.set(this.groupOf(task), ++this.served);
        return task;
      }
      this.park(parkingKey, blocker!, task);
    }
  }

  /** The tasks parked now, by the blocker key they wait for: how many, and one of them. */
  parkedTasks(): Array<{ blocker: string; tasks: number; some: number }> {
    const out: Array<{ blocker: string; tasks: number; some: number }> = [];
    for (const [blocker, keys] of this.parkingKeys) {
      let tasks = 0;
      let some: number | undefined;
      for (const key of keys) {
        const { heap } = this.parked.get(key)!;
        tasks += heap.size;
        some ??= heap.peek();
      }
      if (some !== undefined) out.push({ blocker, tasks, some });
    }
    return out;
  }

  /** Removes and returns every waiting task (for cancellation). */
  drain(): number[] {
    const out: number[] = [];
    for (const heap of this.heaps.values()) for (let t = heap.pop(); t !== undefined; t = heap.pop()) out.push(t);
    for (const { heap } of this.parked.values()) for (let t = heap.pop(); t !== undefined; t = heap.pop()) out.push(t);
    this.heaps.clear();
    this.parked.clear();
    this.parkingKeys.clear();
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

  /** Tasks blocked by one resource are parked by the amount they need: the same blocker blocks all of them alike. */
  private parkingKey(blocker: string, task: number): string {
    return blocker.startsWith('resource:') ? `${blocker}#${this.tasks[task]!.resources[blocker.slice('resource:'.length)]}` : blocker;
  }

  private park(parkingKey: string, blocker: string, task: number): void {
    this.onPark?.(task, blocker);
    let parked = this.parked.get(parkingKey);
    if (!parked) {
      parked = { heap: new Heap<number>(this.less), open: false };
      this.parked.set(parkingKey, parked);
      const keys = this.parkingKeys.get(blocker);
      if (keys) keys.push(parkingKey);
      else this.parkingKeys.set(blocker, [parkingKey]);
    }
    parked.heap.push(task);
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
    for (const group of this.heaps.keys()) if (best === undefined || this.groupBefore(group, best)) best = group;
    return best;
  }

  /** Whether group `a`'s head goes before group `b`'s: better priority, then served longer ago (a group not yet served first). */
  private groupBefore(a: string, b: string): boolean {
    const pa = PRIORITY_RANK[this.tasks[this.heaps.get(a)!.peek()!]!.priority];
    const pb = PRIORITY_RANK[this.tasks[this.heaps.get(b)!.peek()!]!.priority];
    if (pa !== pb) return pa < pb;
    return (this.lastServed.get(a) ?? -1) < (this.lastServed.get(b) ?? -1);
  }

  /** Whether task `a` goes before task `b`: as their groups' heads would, then by the queue order. */
  private before(a: number, b: number): boolean {
    const ga = this.groupOf(a);
    const gb = this.groupOf(b);
    if (ga !== gb) {
      const pa = PRIORITY_RANK[this.tasks[a]!.priority];
      const pb = PRIORITY_RANK[this.tasks[b]!.priority];
      if (pa !== pb) return pa < pb;
      const sa = this.lastServed.get(ga) ?? -1;
      const sb = this.lastServed.get(gb) ?? -1;
      if (sa !== sb) return sa < sb;
    }
    return this.less(a, b);
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
