/** What a ready task that is not parked on a blocker waits for: a slot under the global limit. */
export const FREE_SLOT = 'concurrency';

/** The seconds that tasks `which` picks waited for a free slot under the global limit, added up. */
export function slotWaitOf(waits: ReadonlyMap<string, ReadonlyMap<number, number>>, which: (task: number) => boolean): number {
  let seconds = 0;
  for (const [task, waited] of waits.get(FREE_SLOT) ?? []) if (which(task)) seconds += waited;
  return seconds;
}

/**
 * How long each ready task waits, and for what: the blocker the ready queue
 * parked it on (`agent:x`, `resource:r`, `group:t`, `rate:x`, `hold:x`), else
 * a free slot under the global limit. Its time goes to what it waits for
 * until that changes or it leaves the queue. The planner's simulation keeps
 * one on its simulated clock, the runner on the real one (seconds either way).
 */
export class WaitTally {
  /** By blocker key: each task's wait for it, seconds. */
  readonly waits = new Map<string, Map<number, number>>();
  private readonly waitingFor: Array<string | undefined> = [];
  private readonly since: number[] = [];

  /** The task joined the ready queue (again, for a retry). */
  ready(task: number, now: number): void {
    this.since[task] = now;
    this.waitingFor[task] = undefined;
  }

  /** The queue parked the task on `blocker`: what it waits for from now. */
  parked(task: number, blocker: string, now: number): void {
    this.account(task, now);
    this.waitingFor[task] = blocker;
  }

  /** The blocker the task is parked on now; undefined when it waits for a free slot, or is not in the queue. */
  waitingOn(task: number): string | undefined {
    return this.waitingFor[task];
  }

  /** The task left the queue to start. */
  started(task: number, now: number): void {
    this.account(task, now);
    this.waitingFor[task] = undefined;
  }

  private account(task: number, now: number): void {
    const waited = now - (this.since[task] ?? now);
    this.since[task] = now;
    if (!(waited > 0)) return;
    const key = this.waitingFor[task] ?? FREE_SLOT;
    let byTask = this.waits.get(key);
    if (!byTask) this.waits.set(key, (byTask = new Map()));
    byTask.set(task, (byTask.get(task) ?? 0) + waited);
  }
}
