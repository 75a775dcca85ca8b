/** What the scheduler needs to know of a task to place it. */
export interface SchedTask {
  /** Agent name; shell tasks have none. */
  agent?: string;
  resources: Record<string, number>;
  /** A matrix whose expansions may run only so many at once: its task id and that number. */
  group?: { id: string; max: number };
}

export interface Limits {
  maxConcurrency: number;
  /** Per-agent concurrency limits (absent: no limit). */
  agents: Record<string, number | undefined>;
  /** Resource capacities. */
  resources: Record<string, number>;
  /** Per-agent start-rate limits: at most `requests` starts within any `per` seconds. */
  rates?: Record<string, { requests: number; per: number } | undefined>;
}

/**
 * Tracks the slots in use: the global limit, each agent's concurrency,
 * each resource's capacity and each matrix's `maxParallel`, and when an
 * agent may start again (its rate window, or a hold its API asked for).
 * Blocker keys (`agent:x`, `resource:r`, `group:t`, `rate:x`, `hold:x`) name
 * what a task is waiting for, so the ready queue can park it until that frees.
 */
export class Capacity {
  private running = 0;
  private readonly agentUse = new Map<string, number>();
  private readonly resourceUse = new Map<string, number>();
  private readonly groupUse = new Map<string, number>();
  /** Start times (seconds) of each rate-limited agent's tasks within its window, oldest first. */
  private readonly starts = new Map<string, number[]>();
  /** Agents told to come back later (an API's Retry-After): when (seconds) their tasks may start again. */
  private readonly holds = new Map<string, number>();

  /** @param clock the time in seconds (simulated in the planner, real in the runner); rate limits need it */
  constructor(readonly limits: Limits, private readonly clock: () => number = () => 0) {}

  /** The agent's starts still inside its rate window now. */
  private recentStarts(agent: string, per: number): number[] {
    const list = this.starts.get(agent) ?? [];
    const now = this.clock();
    // (With a little slack: `start + per - per` need not give back `start` in floating point.)
    while (list.length && list[0]! <= now - per + 1e-9) list.shift();
    return list;
  }

  /**
   * An agent's API said to come back at `until` (seconds; a Retry-After):
   * none of its tasks starts before then. A later hold wins over an earlier one.
   */
  hold(agent: string, until: number): void {
    if (until > (this.holds.get(agent) ?? -Infinity)) this.holds.set(agent, until);
  }

  /** Whether the agent is held now. */
  private held(agent: string): boolean {
    const until = this.holds.get(agent);
    return until !== undefined && until > this.clock() + 1e-9;
  }

  /** Whether some task may be waiting for time to pass (a rate window, a hold), not for a slot. */
  get timed(): boolean {
    return this.limits.rates !== undefined || this.holds.size > 0;
  }

  /** The blocker keys of the agents whose rate window has room now, or whose hold has passed (tasks parked on them may go). */
  openRateKeys(): string[] {
    const open = Object.entries(this.limits.rates ?? {})
      .filter(([agent, rate]) => rate && this.recentStarts(agent, rate.per).length < rate.requests)
      .map(([agent]) => `rate:${agent}`);
    // A hold that has passed is forgotten here only, where what is parked on it is let go.
    for (const agent of [...this.holds.keys()]) {
      if (this.held(agent)) continue;
      this.holds.delete(agent);
      open.push(`hold:${agent}`);
    }
    return open;
  }

  /**
   * When the next rate-limited or held agent may start again (seconds),
   * with its blocker key: the oldest start in a full window leaves it, or
   * its hold ends. Undefined when no agent's window is full and none is held.
   */
  nextRateRelease(): { key: string; at: number } | undefined {
    let next: { key: string; at: number } | undefined;
    const consider = (key: string) => {
      const at = this.releaseAt(key);
      if (at !== undefined && (!next || at < next.at)) next = { key, at };
    };
    for (const agent of Object.keys(this.limits.rates ?? {})) consider(`rate:${agent}`);
    for (const agent of this.holds.keys()) consider(`hold:${agent}`);
    return next;
  }

  /**
   * When the agent a `rate:x` key names leaves its full window, or the hold a
   * `hold:x` key names ends (seconds); undefined for a window with room, or
   * another kind of key.
   */
  releaseAt(key: string): number | undefined {
    const colon = key.indexOf(':');
    const agent = key.slice(colon + 1);
    switch (key.slice(0, colon)) {
      case 'rate': {
        const rate = this.limits.rates?.[agent];
        if (!rate) return undefined;
        const recent = this.recentStarts(agent, rate.per);
        return recent.length < rate.requests ? undefined : recent[recent.length - rate.requests]! + rate.per;
      }
      case 'hold':
        return this.holds.get(agent);
      default:
        return undefined;
    }
  }

  get inUse(): number {
    return this.running;
  }

  hasFreeSlot(): boolean {
    return this.running < this.limits.maxConcurrency;
  }

  /** undefined if `task` can start now, else the key of what it waits for. */
  blocker(task: SchedTask): string | undefined {
    if (task.agent !== undefined) {
      if (this.holds.size && this.held(task.agent)) return `hold:${task.agent}`;
      const limit = this.limits.agents[task.agent];
      if (limit !== undefined && (this.agentUse.get(task.agent) ?? 0) >= limit) return `agent:${task.agent}`;
      const rate = this.limits.rates?.[task.agent];
      if (rate && this.recentStarts(task.agent, rate.per).length >= rate.requests) return `rate:${task.agent}`;
    }
    for (const name in task.resources) {
      const capacity = this.limits.resources[name] ?? 0;
      if ((this.resourceUse.get(name) ?? 0) + task.resources[name]! > capacity) return `resource:${name}`;
    }
    if (task.group && (this.groupUse.get(task.group.id) ?? 0) >= task.group.max) return `group:${task.group.id}`;
    return undefined;
  }

  acquire(task: SchedTask): void {
    this.running++;
    if (task.agent !== undefined) this.agentUse.set(task.agent, (this.agentUse.get(task.agent) ?? 0) + 1);
    if (task.agent !== undefined && this.limits.rates?.[task.agent]) {
      const list = this.starts.get(task.agent) ?? [];
      list.push(this.clock());
      this.starts.set(task.agent, list);
    }
    for (const name in task.resources) this.resourceUse.set(name, (this.resourceUse.get(name) ?? 0) + task.resources[name]!);
    if (task.group) this.groupUse.set(task.group.id, (this.groupUse.get(task.group.id) ?? 0) + 1);
  }

  /** Frees the task's slots; returns the blocker keys that may now be satisfied. */
  release(task: SchedTask): string[] {
    this.running--;
    const freed: string[] = [];
    if (task.agent !== undefined) {
      this.agentUse.set(task.agent, (this.agentUse.get(task.agent) ?? 1) - 1);
      freed.push(`agent:${task.agent}`);
    }
    for (const name in task.resources) {
      this.resourceUse.set(name, (this.resourceUse.get(name) ?? 0) - task.resources[name]!);
      freed.push(`resource:${name}`);
    }
    if (task.group) {
      this.groupUse.set(task.group.id, this.groupUse.get(task.group.id)! - 1);
      freed.push(`group:${task.group.id}`);
    }
    return freed;
  }
}
