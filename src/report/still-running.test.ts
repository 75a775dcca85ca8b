import { describe, expect, it } from 'vitest';
import type { EventType, RunEvent } from '../telemetry/events.js';
import { StillRunning } from './still-running.js';

// A fake clock: times are seconds after the run's start.
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const ts = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (s: number, type: EventType, taskId?: string, attempt?: number): RunEvent => ({ ts: ts(s), runId: 'r', type, ...(taskId ? { taskId } : {}), ...(attempt ? { attempt } : {}) });

describe('StillRunning', () => {
  it('names the running tasks, the longest first, after a quiet minute, and again only after another', () => {
    const still = new StillRunning(60_000);
    still.onEvent(ev(0, 'workflow.started'));
    still.printed(T0);
    still.onEvent(ev(0, 'task.started', 'e2e', 1));
    still.printed(T0);
    still.onEvent(ev(30, 'task.started', 'build', 1));
    still.printed(T0 + 30_000);
    // 80 s in: the last line was 50 s ago.
    expect(still.onEvent(ev(80, 'task.heartbeat', 'e2e'))).toBeUndefined();
    const line = still.onEvent(ev(90, 'task.heartbeat', 'e2e'));
    expect(line).toBe(`${ts(90)} still running: e2e 1m30s, build 1m00s`);
    // The other heartbeats of that tick, and those of the next minute, bring none.
    expect(still.onEvent(ev(90, 'task.heartbeat', 'build'))).toBeUndefined();
    expect(still.onEvent(ev(140, 'task.heartbeat', 'e2e'))).toBeUndefined();
    expect(still.onEvent(ev(150, 'task.heartbeat', 'e2e'))).toBe(`${ts(150)} still running: e2e 2m30s, build 2m00s`);
  });

  it('counts a line printed for another reason (a task that ended, its output) as breaking the quiet', () => {
    const still = new StillRunning(60_000);
    still.onEvent(ev(0, 'workflow.started'));
    still.onEvent(ev(0, 'task.started', 'a', 1));
    still.onEvent(ev(0, 'task.started', 'b', 1));
    still.onEvent(ev(50, 'task.succeeded', 'b'));
    still.printed(T0 + 50_000);
    expect(still.onEvent(ev(100, 'task.heartbeat', 'a'))).toBeUndefined();
    expect(still.onEvent(ev(110, 'task.heartbeat', 'a'))).toBe(`${ts(110)} still running: a 1m50s`);
  });

  it('leaves out a task waiting out its backoff, and counts a retried task\'s time from its attempt\'s start, with its attempt', () => {
    const still = new StillRunning(60_000);
    still.onEvent(ev(0, 'workflow.started'));
    still.onEvent(ev(0, 'task.started', 'flaky', 1));
    still.onEvent(ev(5, 'task.started', 'slow', 1));
    still.onEvent(ev(10, 'task.retrying', 'flaky', 1));
    expect(still.onEvent(ev(70, 'task.heartbeat', 'slow'))).toBe(`${ts(70)} still running: slow 1m05s`);
    still.onEvent(ev(75, 'task.started', 'flaky', 2));
    expect(still.onEvent(ev(130, 'task.heartbeat', 'slow'))).toBe(`${ts(130)} still running: slow 2m05s, flaky 55s (attempt 2)`);
  });

  it('names five tasks and counts the rest, and says nothing when nothing runs', () => {
    const still = new StillRunning(60_000);
    still.onEvent(ev(0, 'workflow.started'));
    for (let i = 1; i <= 7; i++) still.onEvent(ev(i, 'task.started', `t${i}`, 1));
    expect(still.onEvent(ev(61, 'task.heartbeat', 't1'))).toBe(`${ts(61)} still running: t1 1m00s, t2 59s, t3 58s, t4 57s, t5 56s, and 2 more`);
    for (let i = 1; i <= 7; i++) still.onEvent(ev(62, 'task.failed', `t${i}`));
    expect(still.onEvent(ev(200, 'task.heartbeat', 't1'))).toBeUndefined();
  });

  it('names what waits when nothing runs and it has been quiet: a retry with its time to go, a ready task with how long it has waited', () => {
    const still = new StillRunning(60_000);
    const at = (s: number) => T0 + s * 1000;
    still.onEvent(ev(0, 'workflow.started'));
    still.onEvent(ev(0, 'task.queued', 'flaky'));
    still.onEvent(ev(0, 'task.started', 'flaky', 1));
    still.onEvent(ev(1, 'task.queued', 'held'));
    still.printed(at(2));
    still.onEvent({ ...ev(2, 'task.retrying', 'flaky', 1), delayMs: 300_000 });
    // Quiet for less than a minute: nothing yet.
    expect(still.tick(at(61))).toBeUndefined();
    expect(still.tick(at(62))).toBe(`${ts(62)} nothing running; waiting: held (ready 1m01s), flaky (its retry in 4m00s)`);
    expect(still.tick(at(100))).toBeUndefined();
    // A retry that is due waits as a ready task, counted from when it was due.
    expect(still.tick(at(362))).toBe(`${ts(362)} nothing running; waiting: held (ready 6m01s), flaky (ready 1m00s)`);
    // While a task runs its heartbeats speak, not the timer.
    still.onEvent(ev(363, 'task.started', 'held', 1));
    expect(still.tick(at(600))).toBeUndefined();
    still.onEvent(ev(601, 'task.succeeded', 'held'));
    still.onEvent(ev(601, 'task.started', 'flaky', 2));
    still.onEvent(ev(602, 'task.succeeded', 'flaky'));
    expect(still.tick(at(1000))).toBeUndefined();
  });

  it('says what a ready task waits for, where the run knows, and not for one waiting out its backoff', () => {
    const still = new StillRunning(60_000);
    const at = (s: number) => T0 + s * 1000;
    still.onEvent(ev(0, 'workflow.started'));
    still.onEvent(ev(1, 'task.queued', 'held'));
    still.onEvent(ev(1, 'task.queued', 'free'));
    still.onEvent({ ...ev(2, 'task.retrying', 'flaky', 1), delayMs: 300_000 });
    const asked: string[] = [];
    const why = (id: string) => {
      asked.push(id);
      return id === 'held' ? "agent api: its API's Retry-After, 1m30s more" : undefined;
    };
    expect(still.tick(at(62), why)).toBe(`${ts(62)} nothing running; waiting: held (ready 1m01s; agent api: its API's Retry-After, 1m30s more), free (ready 1m01s), flaky (its retry in 4m00s)`);
    expect(asked.sort()).toEqual(['free', 'held']);
  });
});
