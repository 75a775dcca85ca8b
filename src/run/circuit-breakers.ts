import type { CircuitBreakerPolicy } from '../workflow/model.js';
import type { Capacity, SchedTask } from '../plan/capacity.js';

interface Circuit {
  consecutive: number;
  openUntil?: number;
  /** The half-open trial: the task let through once the cooldown passed, until it has ended (its retries are its own). */
  trial?: SchedTask;
}

export type Admission = 'closed' | 'open' | 'trial';

/**
 * One circuit breaker per agent: `failureThreshold` consecutive final
 * failures open it; while open its tasks fail fast; after `cooldown` one
 * trial task runs (half-open) while the agent's other tasks wait, and its
 * result closes or reopens the circuit. Tasks are known by their scheduling
 * facts (the objects the ready queue holds).
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(private readonly policy?: CircuitBreakerPolicy) {}

  private circuit(agent: string): Circuit {
    let c = this.circuits.get(agent);
    if (!c) {
      c = { consecutive: 0 };
      this.circuits.set(agent, c);
    }
    return c;
  }

  /** Capacity plus the circuits: while a trial runs (or waits out its retry's backoff), the agent's other tasks wait (`circuit:agent`). */
  gate(capacity: Capacity): Pick<Capacity, 'hasFreeSlot' | 'blocker'> {
    return {
      hasFreeSlot: () => capacity.hasFreeSlot(),
      blocker: (task: SchedTask) => {
        const trial = task.agent === undefined ? undefined : this.circuits.get(task.agent)?.trial;
        return trial !== undefined && trial !== task ? `circuit:${task.agent}` : capacity.blocker(task);
      },
    };
  }

  /** Whether `task` may start now; `trial` makes it the half-open trial (a retry of the trial is still it). */
  admit(task: SchedTask, now: number): Admission {
    if (!this.policy || task.agent === undefined) return 'closed';
    const c = this.circuit(task.agent);
    if (c.openUntil === undefined) return 'closed';
    if (c.trial === task) return 'trial';
    if (now < c.openUntil) return 'open';
    c.trial = task;
    return 'trial';
  }

  /**
   * Records a task's final outcome; returns true when this opened the
   * circuit. The trial's failure reopens it; any success closes it, which
   * ends a trial still running (the agent's other tasks need not wait for
   * it); another task's failure during a trial leaves the decision to the trial.
   */
  record(task: SchedTask, ok: boolean, now: number): boolean {
    if (!this.policy || task.agent === undefined) return false;
    const c = this.circuit(task.agent);
    const wasTrial = c.trial === task;
    if (ok) {
      c.consecutive = 0;
      c.openUntil = undefined;
      c.trial = undefined;
      return false;
    }
    if (wasTrial) c.trial = undefined;
    c.consecutive++;
    if (wasTrial || (c.openUntil === undefined && c.consecutive >= this.policy.failureThreshold)) {
      c.openUntil = now + this.policy.cooldown * 1000;
      return true;
    }
    return false;
  }

  /**
   * `task` has ended however it did (or will not start after all): if it was
   * its agent's trial without a recorded outcome (cancelled by an interrupt,
   * a deadline or a cascade, or not started for the budget), the circuit is
   * half-open again and the next of the agent's tasks becomes the trial.
   * Returns the blocker keys to release.
   */
  ended(task: SchedTask): string[] {
    if (task.agent === undefined) return [];
    const c = this.circuits.get(task.agent);
    if (c?.trial !== task) return [];
    c.trial = undefined;
    return this.freed(task.agent);
  }

  /** Blocker keys to release after an agent's task finished. */
  freed(agent: string | undefined): string[] {
    return agent === undefined ? [] : [`circuit:${agent}`];
  }
}
