import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadWorkflowText } from '../workflow/load.js';
import { SecretMasker } from '../telemetry/mask.js';
import type { RunEvent } from '../telemetry/events.js';
import type { AttemptRequest, AttemptResult, Executor } from './attempt.js';
import type { Approver } from './approval.js';
import { RunEngine } from './engine.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Every attempt takes 1 s of fake time and succeeds, writing `out=<task id>`. */
class SecondExecutor implements Executor {
  readonly starts: Array<[string, number]> = [];
  run(request: AttemptRequest): Promise<AttemptResult> {
    this.starts.push([request.taskId, Date.now()]);
    return new Promise((resolve) => setTimeout(() => resolve({ ok: true, exitCode: 0, signal: null, durationMs: 1000, outputs: { out: request.taskId }, tail: [] }), 1000));
  }
}

function engine(yaml: string, executor: Executor, events: RunEvent[], approve?: Approver, masker = new SecretMasker([])) {
  const dir = mkdtempSync(join(tmpdir(), 'engine-'));
  const loaded = loadWorkflowText(yaml, join(dir, 'w.yaml'));
  if (!loaded.workflow) throw new Error(JSON.stringify(loaded.diagnostics));
  return new RunEngine(loaded.workflow, { runId: 'test', runDir: join(dir, 'run'), emit: (e) => events.push(e), masker, baseEnv: {}, executorFor: () => executor, approve });
}

/** Answers each request `after` ms later with `decision`, recording what it was asked. */
function answering(after: number, decision: Awaited<ReturnType<Approver>>, asked: Array<[string, string]> = []): Approver {
  return (request) => {
    asked.push([request.taskId, request.message]);
    return new Promise((resolve) => setTimeout(() => resolve(decision), after));
  };
}

const FAKE = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] } as const;

describe('tasks that wait for approval', () => {
  it('count as the run\'s wait for a person only the time nothing else was queued, running or waiting to retry', async () => {
    vi.useFakeTimers({ toFake: [...FAKE.toFake] });
    // apply asks at 1 s and is answered at 9 s; other, more and last run from 1 s to 4 s: of those 8 s, the run only waited 5.
    const yaml = `version: 1
tasks:
  plan: { run: x }
  apply: { run: x, needs: plan, approval: true }
  other: { run: x, needs: plan }
  more: { run: x, needs: other }
  last: { run: x, needs: more }
`;
    const running = engine(yaml, new SecondExecutor(), [], answering(8000, { approved: true })).run();
    await vi.advanceTimersByTimeAsync(20_000);
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(result.metrics.wallTime).toBe(10);
    expect(result.metrics.approvalWaitTime).toBe(5);
    // An approver that answers within milliseconds, while nothing else runs, leaves none to speak of.
    const quick = engine('version: 1\ntasks:\n  plan: { run: x }\n  apply: { run: x, needs: plan, approval: true }\n', new SecondExecutor(), [], answering(3, { approved: true })).run();
    await vi.advanceTimersByTimeAsync(20_000);
    expect((await quick).metrics.approvalWaitTime).toBe(0);
  });

  it('hold no slot while they wait, ask with their rendered question, and start once approved', async () => {
    vi.useFakeTimers({ toFake: [...FAKE.toFake] });
    const executor = new SecondExecutor();
    const events: RunEvent[] = [];
    const asked: Array<[string, string]> = [];
    const t0 = Date.now();
    const yaml = `version: 1
policy: { maxConcurrency: 1 }
tasks:
  plan: { run: x }
  apply: { run: x, needs: plan, approval: "Apply \${{ tasks.plan.outputs.out }} with s3cret?" }
  a: { run: x, needs: plan }
  b: { run: x, needs: plan }
`;
    const running = engine(yaml, executor, events, answering(5000, { approved: true, by: 'alice' }, asked), new SecretMasker(['s3cret'])).run();
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await running;
    expect(result.status).toBe('succeeded');
    // a and b use the only slot while apply waits; apply starts when the answer comes (1 s + 5 s).
    expect(Object.fromEntries(executor.starts.map(([id, t]) => [id, t - t0]))).toEqual({ plan: 0, a: 1000, b: 2000, apply: 6000 });
    expect(asked).toEqual([['apply', 'Apply plan with ***?']]);
    const ofApply = events.filter((e) => e.taskId === 'apply').map((e) => [e.type, e.message ?? e.by ?? null]);
    expect(ofApply).toEqual([['task.waiting', 'Apply plan with ***?'], ['task.approved', 'alice'], ['task.queued', null], ['task.started', null], ['task.succeeded', null]]);
    // The wait is not queue wait; who approved it is in the result.
    expect(result.tasks.find((t) => t.id === 'apply')).toMatchObject({ queueWaitMs: 0, approvedBy: 'alice' });
    expect(result.tasks.find((t) => t.id === 'a')!.approvedBy).toBeUndefined();
  });

  it('fails a rejected task without running it (its dependents skipped, its agent\'s circuit untouched), and cancels a waiting one when the run stops', async () => {
    vi.useFakeTimers({ toFake: [...FAKE.toFake] });
    const executor = new SecondExecutor();
    const events: RunEvent[] = [];
    const yaml = `version: 1
agents: { bot: { command: x } }
policy: { circuitBreaker: { failureThreshold: 1 } }
tasks:
  deploy: { agent: bot, approval: true }
  after: { run: x, needs: deploy }
  other: { agent: bot }
`;
    const running = engine(yaml, executor, events, answering(100, { approved: false, by: 'bob', reason: 'not on a Friday' })).run();
    await vi.advanceTimersByTimeAsync(5_000);
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.tasks.map((t) => [t.id, t.status, t.attempts])).toEqual([['deploy', 'failed', 0], ['after', 'skipped', 0], ['other', 'succeeded', 1]]);
    expect(result.tasks[0]!.errors).toEqual([{ attempt: 1, kind: 'rejected', message: 'rejected by bob: not on a Friday' }]);
    expect(events.find((e) => e.type === 'task.waiting')!.message).toBe('run deploy?');
    expect(executor.starts.map(([id]) => id)).toEqual(['other']);

    // Without an approver nobody can approve: rejected, saying so. A deadline cancels a task still waiting.
    const none = await engine('version: 1\ntasks:\n  t: { run: x, approval: true }\n', executor, []).run();
    expect(none.tasks[0]!.errors[0]!.message).toContain('nobody can approve it here');
    const late = engine('version: 1\npolicy: { timeout: 2s }\ntasks:\n  t: { run: x, approval: true }\n', executor, [], () => new Promise(() => {})).run();
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await late).tasks[0]).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
  });
});
