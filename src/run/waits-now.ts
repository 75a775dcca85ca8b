import type { Capacity } from '../plan/capacity.js';
import type { QueueTask, ReadyQueue } from '../plan/ready-queue.js';
import type { WaitTally } from '../plan/wait-tally.js';
import { blockerLimit, type WaitingNow } from '../plan/waits.js';

/** The parts of a run that know what its ready tasks wait for. */
export interface WaitingParts {
  queue: ReadyQueue;
  capacity: Capacity;
  tally: WaitTally;
  /** The scheduling facts of each task (a matrix's `maxParallel`). */
  scheduling: readonly QueueTask[];
  taskIndex: ReadonlyMap<string, number>;
  /** The run's clock, ms. */
  now: () => number;
}

/**
 * What a run's ready tasks wait for now, asked while it goes (plain progress,
 * the terminal's idle slots, `status`): the limit the ready queue parked each
 * on and, for a rate window or a Retry-After, when it frees.
 */
export class WaitsNow {
  constructor(private readonly run: WaitingParts) {}

  /** What one ready task waits for; undefined when it waits for a free slot only, or is not waiting. */
  of(id: string): WaitingNow | undefined {
    const i = this.run.taskIndex.get(id);
    const blocker = i === undefined ? undefined : this.run.tally.waitingOn(i);
    return blocker === undefined ? undefined : this.limit(blocker, i!);
  }

  /** What the tasks parked now wait for, each limit with how many, the most waited for first. */
  all(): Array<WaitingNow & { tasks: number }> {
    return this.run.queue.parkedTasks().flatMap(({ blocker, tasks, some }) => {
      const wait = this.limit(blocker, some);
      return wait ? [{ ...wait, tasks }] : [];
    }).sort((a, b) => b.tasks - a.tasks);
  }

  /** The limit a blocker key names (`task` is one of those it holds back), with when it frees for a rate window or a hold. */
  private limit(blocker: string, task: number): WaitingNow | undefined {
    const { capacity } = this.run;
    const limit = blockerLimit(blocker, capacity.limits, this.run.scheduling, task);
    if (!limit) return undefined;
    const at = capacity.releaseAt(blocker) ?? -Infinity;
    const freesIn = at - this.run.now() / 1000;
    return freesIn > 0 ? { ...limit, freesIn, freesAt: Math.round(at * 1000) } : limit;
  }
}
