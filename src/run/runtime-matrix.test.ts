import { describe, expect, it } from 'vitest';
import { groupEnd } from './runtime-matrix.js';
import type { TaskState } from './task-state.js';

const state = (status: TaskState['state'], extra: Partial<TaskState> = {}): TaskState => ({
  state: status, attempts: 1, readyAt: 0, queueWaitMs: 0, runMs: 0, exitCode: null, cost: 0, reserved: 0, outputs: {}, errors: [], failureTainted: false, ...extra,
});

describe('how a matrix from outputs ends', () => {
  it('fails when an expansion failed, naming how many, with the kind of the first failure', () => {
    const end = groupEnd([state('succeeded'), state('failed', { errors: [{ attempt: 2, kind: 'timeout', message: 'timed out' }] }), state('cancelled')]);
    expect(end).toEqual({ status: 'failed', error: { attempt: 1, kind: 'timeout', message: '1 of its 3 expansions failed' } });
    expect(groupEnd([state('failed')]).error?.message).toBe('its only expansion failed');
  });

  it('is cancelled when one was and none failed, succeeds when one did, and is skipped only when all were', () => {
    expect(groupEnd([state('succeeded'), state('cancelled', { reason: 'interrupted' })])).toEqual({ status: 'cancelled', reason: 'interrupted' });
    expect(groupEnd([state('skipped', { reason: 'condition' }), state('succeeded')])).toEqual({ status: 'succeeded' });
    expect(groupEnd([state('skipped', { reason: 'condition' }), state('skipped', { reason: 'condition' })])).toEqual({ status: 'skipped', reason: 'condition', tainted: false });
    expect(groupEnd([state('skipped', { reason: 'budget', failureTainted: true })])).toMatchObject({ status: 'skipped', tainted: true });
  });
});
