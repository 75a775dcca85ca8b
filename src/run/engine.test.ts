import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadWorkflowText } from '../workflow/load.js';
import { SecretMasker } from '../telemetry/mask.js';
import type { RunEvent } from '../telemetry/events.js';
import type { AttemptRequest, AttemptResult, Executor } from './attempt.js';
import { RunEngine } from './engine.js';

afterEach(() => {
  vi.useRealTimers();
});

/** An executor that takes `durations[id]` ms of fake time and fails while `fails[id]` attempts remain. */
class FakeExecutor implements Executor {
  readonly starts: Array<[string, number]> = [];
  constructor(private readonly durations: Record<string, number>, private readonly fails: Record<string, number> = {}) {}
  run(request: AttemptRequest): Promise<AttemptResult> {
    this.starts.push([request.taskId, Date.now()]);
    const failing = (this.fails[request.taskId] ?? 0) >= request.attempt;
    return new Promise((resolve) => setTimeout(() => resolve({
      ok: !failing, kind: failing ? 'exit-code' : undefined, message: failing ? 'exit code 1' : undefined,
      exitCode: failing ? 1 : 0, signal: null, durationMs: this.durations[request.taskId] ?? 0, outputs: {}, tail: [],
    }), this.durations[request.taskId] ?? 0));
  }
}

function engine(yaml: string, executor: Executor, events: RunEvent[] = [], history?: ReadonlyMap<string, number>, retryTimes?: ReadonlyMap<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'engine-'));
  const loaded = loadWorkflowText(yaml, join(dir, 'w.yaml'));
  if (!loaded.workflow) throw new Error(JSON.stringify(loaded.diagnostics));
  return new RunEngine(loaded.workflow, {
    runId: 'test', runDir: join(dir, 'run'), emit: (e) => events.push(e), masker: new SecretMasker([]), baseEnv: {}, executorFor: () => executor, history, retryTimes,
  });
}

describe('RunEngine on a fake clock', () => {
  it('waits out exponential backoff (1s, 2s, 4s) without sleeping', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const executor = new FakeExecutor({ a: 100 }, { a: 10 });
    const events: RunEvent[] = [];
    const t0 = Date.now();
    const running = engine('version: 1\ntasks:\n  a: { run: x, retry: { maxAttempts: 4, delay: 1s, maxDelay: 1m } }\n', executor, events).run();
    await vi.advanceTimersByTimeAsync(8_000);
    const result = await running;
    expect(result.tasks[0]).toMatchObject({ status: 'failed', attempts: 4 });
    // Each attempt takes 100 ms; each retry starts its delay after the failure.
    expect(executor.starts.map(([, t]) => t - t0)).toEqual([0, 1100, 3200, 7300]);
    expect(events.filter((e) => e.type === 'task.retrying').map((e) => e.delayMs)).toEqual([1000, 2000, 4000]);
  });

  it('counts the retry delays waited out in the serial time, as one task at a time would wait them, but not a wait for a slot', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // One slot: flaky fails at 100 ms and waits 1 s; other runs meanwhile (100-3100), so flaky's retry waits 2 s more for the slot.
    const executor = new FakeExecutor({ flaky: 100, other: 3000 }, { flaky: 1 });
    const running = engine('version: 1\npolicy: { maxConcurrency: 1 }\ntasks:\n  flaky: { run: x, priority: high, retry: { maxAttempts: 2, backoff: fixed, delay: 1s } }\n  other: { run: x }\n', executor).run();
    await vi.advanceTimersByTimeAsync(5_000);
    const result = await running;
    expect(result.tasks.find((t) => t.id === 'flaky')).toMatchObject({ status: 'succeeded', attempts: 2, queueWaitMs: 2000 });
    expect(result.metrics).toMatchObject({ wallTime: 3.2, serialTime: 4.2 });
  });

  it('counts a retry delay cut short by the run stopping up to the stop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // flaky waits 5 s to retry; breaker fails for good at 1 s and, cascading, stops the run: flaky waited 0.9 s of its delay.
    const executor = new FakeExecutor({ flaky: 100, breaker: 1000 }, { flaky: 1, breaker: 1 });
    const running = engine('version: 1\npolicy: { maxConcurrency: 2, cancellation: cascading }\ntasks:\n  flaky: { run: x, retry: { maxAttempts: 2, backoff: fixed, delay: 5s } }\n  breaker: { run: x }\n', executor).run();
    await vi.advanceTimersByTimeAsync(6_000);
    const result = await running;
    expect(result.tasks.find((t) => t.id === 'flaky')).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(result.metrics).toMatchObject({ wallTime: 1, serialTime: 2 });
  });

  it('starts a dependent the moment its need ends, not when the level ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const executor = new FakeExecutor({ short: 1000, long: 5000, next: 1000 });
    const t0 = Date.now();
    const running = engine('version: 1\npolicy: { maxConcurrency: 4 }\ntasks:\n  short: { run: x }\n  long: { run: x }\n  next: { run: x, needs: short }\n', executor).run();
    await vi.advanceTimersByTimeAsync(6_000);
    expect((await running).status).toBe('succeeded');
    expect(Object.fromEntries(executor.starts.map(([id, t]) => [id, t - t0]))).toEqual({ short: 0, long: 0, next: 1000 });
  });

  it('runs exactly the schedule the planner simulates', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const yaml = `version: 1
policy: { maxConcurrency: 3 }
agents: { w: { command: x, concurrency: 1 } }
resources: { gpu: 1 }
tasks:
  a: { run: x, estimate: 2 }
  b: { agent: w, estimate: 1 }
  c: { agent: w, estimate: 3, needs: a }
  d: { run: x, estimate: 2, resources: { gpu: 1 } }
  e: { run: x, estimate: 1, resources: { gpu: 1 }, needs: b }
  f: { run: x, estimate: 4, priority: low }
  g: { run: x, estimate: 1, needs: [c, e] }
`;
    const durations = { a: 2000, b: 1000, c: 3000, d: 2000, e: 1000, f: 4000, g: 1000 };
    const executor = new FakeExecutor(durations);
    const t0 = Date.now();
    const run = engine(yaml, executor);
    const running = run.run();
    await vi.advanceTimersByTimeAsync(20_000);
    await running;
    const { planWorkflow } = await import('../plan/plan.js');
    const loaded = loadWorkflowText(yaml, '/x/w.yaml');
    const planned = Object.fromEntries(planWorkflow(loaded.workflow!).tasks.map((t) => [t.id, t.start * 1000]));
    expect(Object.fromEntries(executor.starts.map(([id, t]) => [id, t - t0]))).toEqual(planned);
  });

  it('ranks ready tasks by the history estimates the plan uses', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // Declared, "quick" looks longest; history says "slow" is. One slot: the order shows the ranking.
    const yaml = 'version: 1\npolicy: { maxConcurrency: 1 }\ntasks:\n  quick: { run: x, estimate: 5 }\n  slow: { run: x, estimate: 1 }\n';
    const history = new Map([['quick', 0.5], ['slow', 3]]);
    const executor = new FakeExecutor({ quick: 500, slow: 3000 });
    const t0 = Date.now();
    const running = engine(yaml, executor, [], history).run();
    await vi.advanceTimersByTimeAsync(5_000);
    await running;
    const { planWorkflow } = await import('../plan/plan.js');
    const planned = Object.fromEntries(planWorkflow(loadWorkflowText(yaml, '/x/w.yaml').workflow!, { history }).tasks.map((t) => [t.id, t.start * 1000]));
    expect(planned).toEqual({ slow: 0, quick: 3000 });
    expect(Object.fromEntries(executor.starts.map(([id, t]) => [id, t - t0]))).toEqual(planned);
  });

  it('ranks ready tasks by the retry times the plan counts on top of their estimates', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // By its estimate "steady" is longer; with the 2 s its retries took in recent runs, "flaky" is.
    const yaml = 'version: 1\npolicy: { maxConcurrency: 1 }\ntasks:\n  steady: { run: x }\n  flaky: { run: x }\n';
    const history = new Map([['steady', 1.5], ['flaky', 1]]);
    const retryTimes = new Map([['flaky', 2]]);
    const executor = new FakeExecutor({ steady: 1500, flaky: 1000 });
    const running = engine(yaml, executor, [], history, retryTimes).run();
    await vi.advanceTimersByTimeAsync(5_000);
    await running;
    const { planWorkflow } = await import('../plan/plan.js');
    const planned = planWorkflow(loadWorkflowText(yaml, '/x/w.yaml').workflow!, { history, retryTimes }).tasks.sort((a, b) => a.start - b.start).map((t) => t.id);
    expect(planned).toEqual(['flaky', 'steady']);
    expect(executor.starts.map(([id]) => id)).toEqual(planned);
  });

  it('starts tasks held by a rate limit even when the window opens between the two looks at it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'Date'] });
    // Every read of this clock takes a millisecond, as real work between two looks does: one look
    // may find the window full and the next find it open.
    let spent = 0;
    const now = () => Date.now() + spent++;
    const dir = mkdtempSync(join(tmpdir(), 'engine-'));
    const yaml = `version: 1\nagents: { b: { command: x, rateLimit: { requests: 1, per: 50ms } } }\ntasks:\n${Array.from({ length: 60 }, (_, i) => `  t${i}: { agent: b }\n`).join('')}`;
    const loaded = loadWorkflowText(yaml, join(dir, 'w.yaml'));
    const executor = new FakeExecutor({});
    const running = new RunEngine(loaded.workflow!, {
      runId: 'test', runDir: join(dir, 'run'), emit: () => undefined, masker: new SecretMasker([]), baseEnv: {}, executorFor: () => executor, now,
    }).run();
    await vi.advanceTimersByTimeAsync(10_000);
    const settled = await Promise.race([running, Promise.resolve(undefined)]);
    expect(executor.starts).toHaveLength(60);
    expect(settled?.status).toBe('succeeded');
  });
});
