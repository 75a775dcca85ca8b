import { describe, expect, it } from 'vitest';
import { Capacity, type SchedTask } from '../plan/capacity.js';
import { CircuitBreakers } from './circuit-breakers.js';

const agentTask = (): SchedTask => ({ agent: 'llm', resources: {} });

/** Breakers opened at time 0 by one failure (threshold 1, cooldown 1 s), and their gate. */
function opened() {
  const breakers = new CircuitBreakers({ failureThreshold: 1, cooldown: 1 });
  const gate = breakers.gate(new Capacity({ maxConcurrency: 8, agents: {}, resources: {} }));
  expect(breakers.record(agentTask(), false, 0)).toBe(true);
  return { breakers, gate };
}

describe('CircuitBreakers', () => {
  it('lets one trial through after the cooldown, which stays the trial through its retries while the others wait', () => {
    const { breakers, gate } = opened();
    const trial = agentTask();
    const other = agentTask();
    expect(breakers.admit(trial, 500)).toBe('open');
    expect(breakers.admit(trial, 1000)).toBe('trial');
    expect(gate.blocker(other)).toBe('circuit:llm');
    // Its retry, queued again after a failed attempt, is not held back by itself.
    expect(gate.blocker(trial)).toBeUndefined();
    expect(breakers.admit(trial, 1200)).toBe('trial');
    expect(breakers.record(trial, true, 1300)).toBe(false);
    expect(gate.blocker(other)).toBeUndefined();
    expect(breakers.admit(other, 1300)).toBe('closed');
  });

  it('leaves the decision to the trial when a task started before the circuit opened fails during it', () => {
    const { breakers, gate } = opened();
    const trial = agentTask();
    const earlier = agentTask();
    const later = agentTask();
    expect(breakers.admit(trial, 1000)).toBe('trial');
    expect(breakers.record(earlier, false, 1500)).toBe(false);
    // No second trial, however long the trial takes.
    expect(gate.blocker(later)).toBe('circuit:llm');
    expect(breakers.admit(trial, 5000)).toBe('trial');
    expect(gate.blocker(later)).toBe('circuit:llm');
    // The trial fails: the circuit reopens from then.
    expect(breakers.record(trial, false, 6000)).toBe(true);
    expect(breakers.admit(later, 6500)).toBe('open');
    expect(breakers.admit(later, 7000)).toBe('trial');
  });

  it('ends the trial when any task of the agent succeeds: the circuit is closed', () => {
    const { breakers, gate } = opened();
    const trial = agentTask();
    const other = agentTask();
    expect(breakers.admit(trial, 1000)).toBe('trial');
    expect(breakers.record(agentTask(), true, 1100)).toBe(false);
    expect(gate.blocker(other)).toBeUndefined();
    expect(breakers.admit(other, 1100)).toBe('closed');
    // The trial's own failure then counts as any failure of a closed circuit.
    expect(breakers.record(trial, false, 1200)).toBe(true);
    expect(breakers.admit(other, 1300)).toBe('open');
  });

  it('makes the next task the trial when the trial ends without an outcome (cancelled, or not started)', () => {
    const { breakers, gate } = opened();
    const trial = agentTask();
    const cleanup = agentTask();
    expect(breakers.admit(trial, 1000)).toBe('trial');
    expect(breakers.ended(cleanup)).toEqual([]);
    expect(gate.blocker(cleanup)).toBe('circuit:llm');
    expect(breakers.ended(trial)).toEqual(['circuit:llm']);
    expect(gate.blocker(cleanup)).toBeUndefined();
    expect(breakers.admit(cleanup, 1100)).toBe('trial');
    // Once recorded, the trial's end frees nothing more.
    expect(breakers.record(cleanup, true, 1200)).toBe(false);
    expect(breakers.ended(cleanup)).toEqual([]);
  });

  it('does nothing without a policy or for a task of no agent', () => {
    const breakers = new CircuitBreakers();
    expect(breakers.record(agentTask(), false, 0)).toBe(false);
    expect(breakers.admit(agentTask(), 0)).toBe('closed');
    const withPolicy = new CircuitBreakers({ failureThreshold: 1, cooldown: 1 });
    expect(withPolicy.record({ resources: {} }, false, 0)).toBe(false);
    expect(withPolicy.admit({ resources: {} }, 0)).toBe('closed');
  });
});
