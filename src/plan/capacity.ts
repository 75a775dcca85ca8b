/** What the scheduler needs to know of a task to place it. */
export interface SchedTask {
  /** Agent name; shell tasks have none. */
  agent?: string;
  resources: Record<string, number>;
}

export interface Limits {
  maxConcurrency: number;
  /** Per-agent concurrency limits (absent: no limit). */
  agents: Record<string, number | undefined>;
  /** Resource capacities. */
  resources: Record<string, number>;
}

/**
 * Tracks the slots in use: the global limit, each agent's concurrency and
 * each resource's capacity. Blocker keys (`agent:x`, `resource:r`) name what
 * a task is waiting for, so the ready queue can park it until that frees.
 */
export class Capacity {
  private running = 0;
  private readonly agentUse = new Map<string, number>();
  private readonly resourceUse = new Map<string, number>();

  constructor(readonly limits: Limits) {}

  get inUse(): number {
    return this.running;
  }

  hasFreeSlot(): boolean {
    return this.running < this.limits.maxConcurrency;
  }

  /** undefined if `task` can start now, else the key of what it waits for. */
  blocker(task: SchedTask): string | undefined {
    if (task.agent !== undefined) {
      const limit = this.limits.agents[task.agent];
      if (limit !== undefined && (this.agentUse.get(task.agent) ?? 0) >= limit) return `agent:${task.agent}`;
    }
    for (const name in task.resources) {
      const capacity = this.limits.resources[name] ?? 0;
      if ((this.resourceUse.get(name) ?? 0) + task.resources[name]! > capacity) return `resource:${name}`;
    }
    return undefined;
  }

  acquire(task: SchedTask): void {
    this.running++;
    if (task.agent !== undefined) this.agentUse.set(task.agent, (this.agentUse.get(task.agent) ?? 0) + 1);
    for (const name in task.resources) this.resourceUse.set(name, (this.resourceUse.get(name) ?? 0) + task.resources[name]!);
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
    return freed;
  }
}
