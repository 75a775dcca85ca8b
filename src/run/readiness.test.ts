import { describe, expect, it } from 'vitest';
import type { Workflow } from '../workflow/model.js';
import { load } from '../workflow/test-helpers.js';
import { readiness } from './readiness.js';
import { freshState, type TaskState } from './task-state.js';

const workflow = load(`version: 1
tasks:
  need: { run: "true" }
  normal: { run: "true", needs: need }
  onFailure: { run: "true", needs: need, if: failure }
  always: { run: "true", needs: need, if: always }
  teardown: { run: "true", needs: need, if: always, runOnInterrupt: true }
  onFailureCleanup: { run: "true", needs: need, if: failure, runOnInterrupt: true }
  onlySuccess: { run: "true", needs: need, runOnInterrupt: true }
`).workflow as Workflow;
const task = (id: string) => workflow.tasks[workflow.taskIndex.get(id)!]!;
const ended = (state: TaskState['state'], extra: Partial<TaskState> = {}): TaskState => ({ ...freshState(), state, ...extra });

describe('whether a task whose needs ended runs', () => {
  it('runs a default task only when its needs succeeded or were allowed to fail', () => {
    expect(readiness(task('normal'), [ended('succeeded')], undefined)).toBeUndefined();
    expect(readiness(task('normal'), [ended('failed', { reason: 'allowed' })], undefined)).toBeUndefined();
    expect(readiness(task('normal'), [ended('failed', { failureTainted: true })], undefined)).toEqual({ status: 'skipped', reason: 'dependency-failed', tainted: true });
    expect(readiness(task('normal'), [ended('cancelled', { failureTainted: true })], undefined)).toEqual({ status: 'skipped', reason: 'dependency-cancelled', tainted: true });
    // An `if: failure` need skipped when all went well skips this one harmlessly.
    expect(readiness(task('normal'), [ended('skipped')], undefined)).toEqual({ status: 'skipped', reason: 'dependency-skipped', tainted: false });
  });

  it('runs `if: failure` only after a failure upstream, and `if: always` whatever happened', () => {
    expect(readiness(task('onFailure'), [ended('succeeded')], undefined)).toEqual({ status: 'skipped', reason: 'no-failure' });
    expect(readiness(task('onFailure'), [ended('failed', { failureTainted: true })], undefined)).toBeUndefined();
    expect(readiness(task('always'), [ended('cancelled', { failureTainted: true })], undefined)).toBeUndefined();
  });

  it('cancels what a stopping run will not start, but lets cleanup run after a cascading failure', () => {
    expect(readiness(task('always'), [ended('succeeded')], 'interrupt')).toEqual({ status: 'cancelled', reason: 'interrupted' });
    expect(readiness(task('normal'), [ended('succeeded')], 'timeout')).toEqual({ status: 'cancelled', reason: 'workflow-timeout' });
    expect(readiness(task('normal'), [ended('succeeded')], 'cascade')).toEqual({ status: 'cancelled', reason: 'cancelled' });
    expect(readiness(task('always'), [ended('failed', { failureTainted: true })], 'cascade')).toBeUndefined();
  });

  it('after an interrupt or the workflow deadline runs only cleanup marked runOnInterrupt, as its `if` allows (a cancelled need counts as a failure)', () => {
    const cancelled = [ended('cancelled', { reason: 'interrupted', failureTainted: true })];
    for (const id of ['normal', 'always', 'onlySuccess']) expect(readiness(task(id), cancelled, 'interrupt')).toEqual({ status: 'cancelled', reason: 'interrupted' });
    expect(readiness(task('teardown'), cancelled, 'interrupt')).toBeUndefined();
    expect(readiness(task('onFailureCleanup'), cancelled, 'interrupt')).toBeUndefined();
    // The workflow deadline stops the run as an interrupt does: cleanup still runs.
    const timedOut = [ended('cancelled', { reason: 'workflow-timeout', failureTainted: true })];
    expect(readiness(task('teardown'), timedOut, 'timeout')).toBeUndefined();
    expect(readiness(task('always'), timedOut, 'timeout')).toEqual({ status: 'cancelled', reason: 'workflow-timeout' });
    // With `if: success` it could never run after an interrupt: the model drops it (lint warns).
    expect(task('teardown').runOnInterrupt).toBe(true);
    expect(task('onlySuccess').runOnInterrupt).toBeUndefined();
  });
});
