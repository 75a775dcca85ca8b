import type { CircuitBreakerPolicy } from '../workflow/model.js';
import type { Capacity, SchedTask } from '../plan/capacity.js';

interface Circuit {
  consecutive: number;
  openUntil?: number;
  trial: boolean;
}

export type Admission = 'closed' | 'open' | 'trial';

/**
 * One circuit breaker per agent: `failureThreshold` consecutive final
 * failures open it; while open its tasks fail fast; after `cooldown` one
 * trial task runs (half-open) while the agent's other tasks wait, and its
 * result closes or reopens the circuit.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(private readonly policy?: CircuitBreakerPolicy) {}

  private circuit(agent: string): Circuit {
    let c = this.circuits.get(agent);
    if (!c) {
      c = { consecutive: 0, trial: false };
      this.circuits.set(agent, c);
    }
    return c;
  }

  /** Capacity plus the circuits: while a trial runs, the agent's other tasks wait (`circuit:agent`). */
  gate(capacity: Capacity): Pick<Capacity, 'hasFreeSlot' | 'blocker'> {
    return {
      hasFreeSlot: () => capacity.hasFreeSlot(),
      blocker: (task: SchedTask) => (task.agent !== undefined && this.circuits.get(task.agent)?.trial ? `circuit:${task.agent}` : capacity.blocker(task)),
    };
  }

  /** Whether a task of `agent` may start now; `trial` makes it the half-open trial. */
  admit(agent: string | undefined, now: number): Admission {
    if (!this.policy || agent === undefined) return 'closed';
    const c = this.circuit(agent);
    if (c.openUntil === undefined) return 'closed';
    if (now < c.openUntil) return 'open';
    c.trial = true;
    return 'trial';
  }

  /** The trial did not start after all (e.g. no budget). */
  cancelTrial(agent: string | undefined): void {
    if (agent !== undefined && this.circuits.get(agent)) this.circuit(agent).trial = false;
  }

  /** Records a task's final outcome; returns true when this opened the circuit. */
  record(agent: string | undefined, ok: boolean, now: number): boolean {
    if (!this.policy || agent === undefined) return false;
    const c = this.circuit(agent);
    const wasTrial = c.trial;
    c.trial = false;
    if (ok) {
      c.consecutive = 0;
      c.openUntil = undefined;
      return false;
    }
    c.consecutive++;
    if (wasTrial || (c.openUntil === undefined && c.consecutive >= this.policy.failureThreshold)) {
      c.openUntil = now + this.policy.cooldown * 1000;
      return true;
    }
    return false;
  }

  /** Blocker keys to release after an agent's task finished. */
  freed(agent: string | undefined): string[] {
    return agent === undefined ? [] : [`circuit:${agent}`];
  }
}
