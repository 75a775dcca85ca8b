import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, examplesProject, ROOT, tempProject } from '../helpers/cli.js';
import { filesUnder, runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';
import { isAlive } from '../helpers/processes.js';
import { TASK_VARIABLES } from '../../src/workflow/task-variables.js';

const validateEvent = validator('events');
const validateResult = validator('result');

function checkEvents(events: any[], taskIds: string[]): void {
  for (const e of events) expect(validateEvent(e), `${JSON.stringify(e)} ${JSON.stringify(validateEvent.errors)}`).toBe(true);
  const terminal = events.filter((e) => /^task\.(succeeded|failed|skipped|cancelled)$/.test(e.type));
  expect(terminal.map((e) => e.taskId).sort()).toEqual([...taskIds].sort());
  expect(events[0].type).toBe('workflow.started');
  expect(events[events.length - 1].type).toBe('workflow.finished');
}

describe('orchestrate run', () => {
  it('runs hello: outputs flow to dependents, result and events match their schemas', () => {
    const r = runProject({ 'workflow.yaml': readFileSync('workflows/hello.yaml', 'utf8') });
    expect(r.code).toBe(0);
    expect(validateResult(r.result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(r.result.status).toBe('succeeded');
    expect(task(r.result, 'hello').outputs).toEqual({ greeting: 'hello' });
    expect(task(r.result, 'world').outputs).toEqual({ greeting: 'world' });
    expect(readFileSync(task(r.result, 'summary').logFile, 'utf8')).toContain('out| Both said hello, world');
    checkEvents(r.events, ['hello', 'world', 'summary']);
  });

  it('says the first run of tasks without estimates had no plan to compare with, and the next one has', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a }\n' });
    const first = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(first.stdout).toContain("  estimate   none yet: no task has an estimate or a history; the next plan uses this run's times\n");
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).stdout).toMatch(/ {2}estimate {3}planned [\d.]+m?s, actual /);
  });

  it('passes env, ids and attempt to tasks, and multi-line outputs to dependents', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
env: { GREETING: hi }
tasks:
  write:
    run: |
      echo "id=$ORCHESTRATE_TASK_ID attempt=$ORCHESTRATE_ATTEMPT run=$ORCHESTRATE_RUN_ID greeting=$GREETING" > ctx.txt
      printf 'notes<<END\\nfirst line\\nsecond = line\\nEND\\nsingle=one\\n' >> "$ORCHESTRATE_OUTPUT"
  read:
    needs: write
    env: { NOTES: "\${{ tasks.write.outputs.notes }}" }
    run: printf '%s|%s' "$NOTES" "\${{ tasks.write.outputs.single }}" > got.txt
`,
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.dir, 'ctx.txt'), 'utf8')).toBe(`id=write attempt=1 run=${r.result.runId} greeting=hi\n`);
    expect(readFileSync(join(r.dir, 'got.txt'), 'utf8')).toBe('first line\nsecond = line|one');
  });

  it('retries with fixed and exponential backoff, and counts attempts', () => {
    const flaky = (name: string) => `n=$(cat ${name}.count 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${name}.count; [ $n -ge 3 ]`;
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  fixed:
    run: "${flaky('fixed')}"
    retry: { maxAttempts: 3, backoff: fixed, delay: 200ms }
  expo:
    run: "${flaky('expo')}"
    retry: { maxAttempts: 4, backoff: exponential, delay: 100ms }
  never:
    run: exit 3
    retry: { maxAttempts: 3, delay: 10ms, onExitCodes: [75] }
  answer:
    run: "n=$(cat answer.count 2>/dev/null || echo 0); n=$((n+1)); echo $n > answer.count; if [ $n -ge 2 ]; then echo yes > answer.txt; fi"
    artifacts: [answer.txt]
    retry: { maxAttempts: 3, delay: 10ms, onKinds: [invalid] }
  crash:
    run: exit 1
    retry: { maxAttempts: 3, delay: 10ms, onKinds: [invalid] }
  slow:
    run: sleep 5
    timeout: 200ms
    retry: { maxAttempts: 3, delay: 10ms, onKinds: [invalid] }
`,
    });
    expect(r.code).toBe(1);
    expect(task(r.result, 'fixed')).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(task(r.result, 'expo')).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(task(r.result, 'never')).toMatchObject({ status: 'failed', attempts: 1, exitCode: 3 });
    // onKinds: [invalid] retries an attempt that left no artifact, not an exit code or a timeout.
    expect(task(r.result, 'answer')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(task(r.result, 'answer').errors.map((e: any) => e.kind)).toEqual(['invalid']);
    expect(task(r.result, 'crash')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(task(r.result, 'slow')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(task(r.result, 'slow').errors.map((e: any) => e.kind)).toEqual(['timeout']);
    const delays = (id: string) => r.events.filter((e) => e.type === 'task.retrying' && e.taskId === id).map((e) => e.delayMs);
    expect(delays('fixed')).toEqual([200, 200]);
    expect(delays('expo')).toEqual([100, 200]);
    expect(task(r.result, 'fixed').errors).toEqual([
      { attempt: 1, kind: 'exit-code', message: 'exit code 1' },
      { attempt: 2, kind: 'exit-code', message: 'exit code 1' },
    ]);
    checkEvents(r.events, ['fixed', 'expo', 'never', 'answer', 'crash', 'slow']);
  });

  it('makes jittered delays reproducible with policy.seed', () => {
    const files = { 'workflow.yaml': 'version: 1\npolicy: { seed: 7, retry: { maxAttempts: 3, delay: 100ms, jitter: 0.5 } }\ntasks:\n  a: { run: exit 1 }\n  b: { run: exit 1 }\n' };
    const delays = (r: any) => r.events.filter((e: any) => e.type === 'task.retrying').map((e: any) => `${e.taskId}:${e.attempt}:${e.delayMs}`).sort();
    const first = delays(runProject(files));
    expect(first).toHaveLength(4);
    expect(delays(runProject(files))).toEqual(first);
    for (const d of first) {
      const ms = Number(d.split(':')[2]);
      expect(ms).toBeGreaterThanOrEqual(50);
      expect(ms).toBeLessThanOrEqual(300);
    }
  });

  it('times out an attempt and kills the whole process group, grandchildren included', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { gracePeriod: 500ms }
tasks:
  slow:
    run: "sh -c 'sleep 30 & echo $! > grandchild.pid; wait' & echo $! > child.pid; sleep 30"
    timeout: 1s
`,
    });
    expect(r.code).toBe(1);
    expect(task(r.result, 'slow')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(task(r.result, 'slow').errors[0]).toMatchObject({ kind: 'timeout', message: 'timed out after 1s' });
    expect(task(r.result, 'slow').durationMs).toBeLessThan(10_000);
    for (const file of ['child.pid', 'grandchild.pid']) {
      const pid = Number(readFileSync(join(r.dir, file), 'utf8'));
      expect(isAlive(pid), `${file} ${pid} survived`).toBe(false);
    }
  });

  it('isolated cancellation skips only the failed branch', () => {
    const r = runProject({
      'workflow.yaml': 'version: 1\ntasks:\n  a: { run: exit 1 }\n  b: { run: "true", needs: a }\n  c: { run: "true", needs: b }\n  d: { run: "sleep 0.3" }\n',
    });
    expect(r.code).toBe(1);
    expect(r.result.tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([
      ['a', 'failed', null], ['b', 'skipped', 'dependency-failed'], ['c', 'skipped', 'dependency-failed'], ['d', 'succeeded', null],
    ]);
    checkEvents(r.events, ['a', 'b', 'c', 'd']);
  });

  it('names the critical path as it ran through a skipped task: cleanup after it waited for what failed', () => {
    const dir = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  plan: { run: "sleep 0.2" }\n  quick: { run: "true", needs: plan }\n  impl: { run: "sleep 0.4; exit 1", needs: plan }\n  review: { run: "true", needs: [quick, impl] }\n  cleanup: { run: "true", needs: review, if: always }\n' });
    const r = cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}critical {3}plan -> impl -> review \(skipped\) -> cleanup \([\d.]+s as it ran\)$/m);
    // The report's timeline outlines the bars of the tasks on it that ran.
    const html = cli(['report', '-o', 'report.html'], { cwd: dir });
    expect(html.code, html.stderr).toBe(0);
    const outlined = [...readFileSync(join(dir, 'report.html'), 'utf8').matchAll(/"task":"([^"]+)","attempt":\d+,[^}]*"critical":true/g)].map((m) => m[1]);
    expect(outlined.sort()).toEqual(['cleanup', 'impl', 'plan']);
  });

  it('names the critical path as it ran through a wait for a limit: an agent of concurrency 1 runs its tasks one after another', () => {
    const dir = tempProject({ 'workflow.yaml': 'version: 1\npolicy: { maxConcurrency: 4 }\nagents:\n  llm: { command: "cat > /dev/null; sleep 0.4", concurrency: 1 }\ntasks:\n  a: { agent: llm, prompt: x }\n  b: { agent: llm, prompt: y }\n  quick: { run: "true" }\n  after: { run: "true", needs: b }\n' });
    const r = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // Whichever of a and b ran first (b, whose dependent makes its path longer), the other waited for it and ended last:
    // the chain goes through both, the wall time and all, not through after, which ended before.
    const line = /^ {2}critical {3}([ab]) => ([ab]) \(([\d.]+)s as it ran; => waited for a limit until the task before ended\)$/m.exec(r.stdout);
    expect(line, r.stdout).not.toBeNull();
    expect(line![1]).not.toBe(line![2]);
    expect(Number(line![3])).toBeGreaterThanOrEqual(0.8);
    // The report's timeline outlines the same chain.
    expect(cli(['report', '-o', 'report.html'], { cwd: dir }).code).toBe(0);
    const outlined = [...readFileSync(join(dir, 'report.html'), 'utf8').matchAll(/"task":"([^"]+)","attempt":\d+,[^}]*"critical":true/g)].map((m) => m[1]);
    expect(outlined.sort()).toEqual(['a', 'b']);
  });

  it('cascading cancellation stops running and pending tasks but still runs if: always', () => {
    const started = Date.now();
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { cancellation: cascading, maxConcurrency: 4 }
tasks:
  fail: { run: "sleep 0.2; exit 1" }
  long: { run: "sleep 30" }
  later: { run: "true", needs: long }
  cleanup: { run: "echo cleaned > cleaned.txt", needs: [long], if: always }
`,
    });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.result.tasks.map((t: any) => [t.id, t.status])).toEqual([['fail', 'failed'], ['long', 'cancelled'], ['later', 'cancelled'], ['cleanup', 'succeeded']]);
    expect(existsSync(join(r.dir, 'cleaned.txt'))).toBe(true);
    checkEvents(r.events, ['fail', 'long', 'later', 'cleanup']);
  });

  it('runs if: failure only after a failure, if: always always, and honours continueOnError', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  ok: { run: "true" }
  bad: { run: exit 2, continueOnError: true }
  after-bad: { run: "true", needs: bad }
  on-failure-ok: { run: "true", needs: ok, if: failure }
  hard: { run: exit 1 }
  on-failure-hard: { run: "true", needs: hard, if: failure }
  always: { run: "true", needs: [hard], if: always }
`,
    });
    expect(Object.fromEntries(r.result.tasks.map((t: any) => [t.id, t.status]))).toEqual({
      ok: 'succeeded', bad: 'failed', 'after-bad': 'succeeded', 'on-failure-ok': 'skipped', hard: 'failed', 'on-failure-hard': 'succeeded', always: 'succeeded',
    });
    expect(task(r.result, 'bad')).toMatchObject({ allowedFailure: true, reason: 'continue-on-error' });
    expect(r.code).toBe(1);
  });

  it('skips what needs an if: failure task that had nothing to do, without failing the run', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  build: { run: "true" }
  rollback: { run: "true", needs: build, if: failure }
  report-rollback: { run: "true", needs: rollback }
`,
    });
    expect(r.result.tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([
      ['build', 'succeeded', null], ['rollback', 'skipped', 'no-failure'], ['report-rollback', 'skipped', 'dependency-skipped'],
    ]);
    expect(r.result.status).toBe('succeeded');
    expect(r.code).toBe(0);
    expect(cli(['run', 'workflow.yaml'], { cwd: r.dir }).stdout).not.toContain('skipped: report-rollback');
  });

  it('lints a retry block without maxAttempts, which makes one attempt', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  flaky: { run: exit 1, retry: { delay: 10ms } }\n' });
    expect(task(r.result, 'flaky')).toMatchObject({ status: 'failed', attempts: 1 });
    const lint = cli(['lint', 'workflow.yaml'], { cwd: r.dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('workflow.yaml:3:25  warning  task "flaky" sets `retry` (delay) but makes 1 attempt');
  });

  it('lints a retry delay above its maxDelay, which the run waits instead', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\npolicy: { retry: { maxDelay: 50ms } }\ntasks:\n  flaky: { run: exit 1, retry: { maxAttempts: 2, backoff: fixed, delay: 30s } }\n' });
    expect(task(r.result, 'flaky')).toMatchObject({ status: 'failed', attempts: 2 });
    const retrying = r.events.filter((e: any) => e.type === 'task.retrying');
    expect(retrying.map((e: any) => e.delayMs)).toEqual([50]);
    const lint = cli(['lint', 'workflow.yaml'], { cwd: r.dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('workflow.yaml:4:73  warning  task "flaky" waits 30s before a retry, but maxDelay caps every delay at 0.05s (policy.retry): each retry waits 0.05s; lower the delay or raise maxDelay  [delay-over-max-delay]');
  });

  it('lints exit codes to retry whose kinds leave out exit-code, which the run never retries', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  flaky: { run: exit 75, retry: { maxAttempts: 3, delay: 10ms, onKinds: [timeout], onExitCodes: [75] } }\n' });
    expect(task(r.result, 'flaky')).toMatchObject({ status: 'failed', attempts: 1 });
    const lint = cli(['lint', 'workflow.yaml'], { cwd: r.dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('warning  task "flaky" retries exit codes 75, but its onKinds (timeout) leave out exit-code: no failed exit code is retried, whatever its code; add exit-code to onKinds, or drop onExitCodes  [exit-codes-not-retried]');
  });

  it('lints an if: failure task without needs, which the run always skips', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  build: { run: exit 1 }\n  rollback: { run: "true", if: failure }\n' });
    expect(task(r.result, 'rollback')).toMatchObject({ status: 'skipped', reason: 'no-failure' });
    const lint = cli(['lint', 'workflow.yaml'], { cwd: r.dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('workflow.yaml:4:32  warning  task "rollback" has `if: failure` but no `needs`: it runs only when one of its needs fails, so it never runs; give it the tasks whose failure it handles as needs  [failure-without-needs]');
  });

  it('exits 0 when the only failure is allowed, and 1 when a gate fails whatever continueOnError says', () => {
    expect(runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: exit 1, continueOnError: true }\n  b: { run: "true", needs: a }\n' }).code).toBe(0);
    const gate = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  audit: { run: exit 1, gate: true, continueOnError: true }\n  next: { run: "true", needs: audit }\n' });
    expect(gate.code).toBe(1);
    expect(gate.result.status).toBe('failed');
    expect(task(gate.result, 'next').status).toBe('succeeded');
    expect(gate.result.reasons).toContain('quality gate failed: audit');
  });

  it('opens the circuit after consecutive failures, fails queued tasks fast, and closes it after a good trial', () => {
    const r = runProject({
      'agent.sh': '#!/bin/sh\nprompt=$(cat)\n[ "$prompt" = ok ]\n',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 1, circuitBreaker: { failureThreshold: 2, cooldown: 1s } }
agents: { flaky: { command: sh ./agent.sh, concurrency: 1 } }
tasks:
  f1: { agent: flaky, prompt: fail, priority: critical }
  f2: { agent: flaky, prompt: fail, priority: critical, needs: f1, if: always }
  fast: { agent: flaky, prompt: ok, needs: f2, if: always }
  wait: { run: "sleep 1.5", needs: fast, if: always }
  trial: { agent: flaky, prompt: ok, needs: wait, if: always }
  closed: { agent: flaky, prompt: ok, needs: trial }
`,
    });
    expect(Object.fromEntries(r.result.tasks.map((t: any) => [t.id, [t.status, t.attempts]]))).toEqual({
      f1: ['failed', 1], f2: ['failed', 1], fast: ['failed', 0], wait: ['succeeded', 1], trial: ['succeeded', 1], closed: ['succeeded', 1],
    });
    expect(task(r.result, 'fast').errors[0]).toMatchObject({ kind: 'circuit-open' });
    expect(task(r.result, 'fast').reason).toBe('circuit-open');
  });

  it('reopens the circuit when the half-open trial fails', () => {
    const r = runProject({
      'agent.sh': '#!/bin/sh\nprompt=$(cat)\n[ "$prompt" = ok ]\n',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 1, circuitBreaker: { failureThreshold: 1, cooldown: 500ms } }
agents: { flaky: { command: sh ./agent.sh } }
tasks:
  f1: { agent: flaky, prompt: fail }
  wait: { run: "sleep 0.8", needs: f1, if: always }
  trial: { agent: flaky, prompt: fail, needs: wait, if: always }
  after: { agent: flaky, prompt: ok, needs: trial, if: always }
`,
    });
    expect(Object.fromEntries(r.result.tasks.map((t: any) => [t.id, [t.status, t.attempts]]))).toEqual({
      f1: ['failed', 1], wait: ['succeeded', 1], trial: ['failed', 1], after: ['failed', 0],
    });
  });

  it('keeps the half-open trial through its retries, and lets no second trial start when another task fails meanwhile', () => {
    // The agent runs its prompt as a script. "opens" fails at once and opens the circuit; "slow",
    // started before that, fails while the trial runs; "late" becomes ready during the trial.
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 6, circuitBreaker: { failureThreshold: 1, cooldown: 200ms } }
agents: { x: { command: 'sh -c "$(cat)"', concurrency: 3 } }
tasks:
  opens: { agent: x, prompt: "exit 1" }
  slow: { agent: x, prompt: "sleep 1; exit 1" }
  wait: { run: "sleep 0.4" }
  trial: { agent: x, prompt: '[ "$ORCHESTRATE_ATTEMPT" -gt 1 ] && sleep 1.5', needs: wait, retry: { maxAttempts: 2, delay: 50ms } }
  late-wait: { run: "sleep 1.5" }
  late: { agent: x, prompt: "true", needs: late-wait }
`,
    });
    expect(Object.fromEntries(r.result.tasks.map((t: any) => [t.id, [t.status, t.attempts]]))).toEqual({
      opens: ['failed', 1], slow: ['failed', 1], wait: ['succeeded', 1], trial: ['succeeded', 2], 'late-wait': ['succeeded', 1], late: ['succeeded', 1],
    });
    // The agent's other task waited for the trial's result.
    const at = (type: string, id: string) => r.events.findIndex((e) => e.type === type && e.taskId === id);
    expect(at('task.started', 'late')).toBeGreaterThan(at('task.succeeded', 'trial'));
  });

  it('lets continueOnError allow a task that fails fast for an open circuit, as any failure of it', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 1, circuitBreaker: { failureThreshold: 1, cooldown: 1m } }
agents: { x: { command: 'sh -c "$(cat)"' } }
tasks:
  opens: { agent: x, prompt: "exit 1", continueOnError: true, priority: critical }
  allowed: { agent: x, prompt: "true", continueOnError: true, priority: high }
  next: { run: "true", needs: allowed }
`,
    });
    expect(task(r.result, 'allowed')).toMatchObject({ status: 'failed', reason: 'continue-on-error', attempts: 0, errors: [{ kind: 'circuit-open' }] });
    expect(task(r.result, 'next').status).toBe('succeeded');
    expect([r.code, r.result.status]).toEqual([0, 'succeeded']);
  });

  it('makes the next task of the agent the trial when the trial is cancelled, so cleanup on that agent still runs', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { timeout: 1s, maxConcurrency: 4, gracePeriod: 1s, circuitBreaker: { failureThreshold: 1, cooldown: 100ms } }
agents: { x: { command: 'sh -c "$(cat)"' } }
tasks:
  opens: { agent: x, prompt: "exit 1" }
  wait: { run: "sleep 0.3" }
  trial: { agent: x, prompt: "sleep 60", needs: wait }
  cleanup: { agent: x, prompt: "echo cleaned", needs: trial, if: always, runOnInterrupt: true }
`,
    });
    expect(task(r.result, 'trial')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout', attempts: 1 });
    expect(task(r.result, 'cleanup')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect([r.code, r.result.status]).toEqual([1, 'failed']);
  });

  it('skips tasks that would exceed the cost budget, fails the run and says why', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 1, costBudget: 1 }
tasks:
  a: { run: "echo cost=0.2 >> $ORCHESTRATE_OUTPUT", cost: 0.5, priority: high }
  b: { run: "true", cost: 0.6 }
  c: { run: "true", cost: 0.6 }
`,
    });
    expect(r.code).toBe(1);
    expect(task(r.result, 'a')).toMatchObject({ status: 'succeeded', cost: 0.2 });
    expect(task(r.result, 'b')).toMatchObject({ status: 'succeeded', cost: 0.6 });
    expect(task(r.result, 'c')).toMatchObject({ status: 'skipped', reason: 'budget', attempts: 0 });
    expect(r.result.metrics).toMatchObject({ costSpent: 0.8, costEstimate: 1.7 });
    expect(r.result.reasons.join(' ')).toContain('cost budget of 1');
    // Declared costs past the budget are said as the run starts, as plan says them.
    expect(r.stderr).toContain('orchestrate: warning: estimated cost 1.7 exceeds the budget of 1: some tasks would be skipped\n');
    const summary = cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: r.dir });
    expect(summary.stdout).toContain('1 task was skipped because its cost would have gone over the cost budget of 1');
    // --budget sets this run's budget over the workflow's, as --timeout its deadline.
    const tighter = cli(['run', 'workflow.yaml', '--json', '--budget', '0.7'], { cwd: r.dir });
    expect(tighter.code).toBe(1);
    expect(JSON.parse(tighter.stdout).tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([['a', 'succeeded', null], ['b', 'skipped', 'budget'], ['c', 'skipped', 'budget']]);
    expect(JSON.parse(tighter.stdout).reasons.join(' ')).toContain('cost budget of 0.7');
    expect(cli(['run', 'workflow.yaml', '--json', '--budget', '5'], { cwd: r.dir }).code).toBe(0);
    expect(runProject({ 'workflow.yaml': 'version: 1\npolicy: { costBudget: 2 }\ntasks:\n  a: { run: "true", cost: 2 }\n' }).stderr).not.toContain('warning');
    // A task that costs more than the whole budget never starts: lint warns; the run skips it for the budget, and fails.
    writeFileSync(join(r.dir, 'over.yaml'), 'version: 1\npolicy: { costBudget: 1 }\ntasks:\n  a: { run: "touch ran" }\n  b: { run: "true", cost: 1.5 }\n');
    const lint = cli(['lint', 'over.yaml'], { cwd: r.dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('over.yaml:5:27  warning  task "b" costs 1.5 but the cost budget is 1: it will never start (skipped for the budget), and a run that skips work for the budget fails  [cost-over-budget]');
    const over = cli(['run', 'over.yaml', '--json'], { cwd: r.dir });
    expect(over.code).toBe(1);
    expect(task(JSON.parse(over.stdout), 'b')).toMatchObject({ status: 'skipped', reason: 'budget', attempts: 0 });
    expect(existsSync(join(r.dir, 'ran'))).toBe(true);
  });

  it('expects a fan-out to cost what its finished expansions reported, when more than declared, and stops short of the budget', () => {
    // Each review declares 0.3 and reports 0.4: counting the declared cost, a third would start and spend 1.2 of 1.
    for (const concurrency of [1, 2]) {
      const r = runProject({
        'workflow.yaml': `version: 1
policy: { maxConcurrency: ${concurrency}, costBudget: 1 }
tasks:
  review: { matrix: { i: [1, 2, 3, 4] }, run: "echo cost=0.4 >> $ORCHESTRATE_OUTPUT", cost: 0.3 }
  other: { run: "echo cost=0.1 >> $ORCHESTRATE_OUTPUT", cost: 0.1, needs: review, if: always }
`,
      });
      expect(r.code).toBe(1);
      expect(r.result.tasks.filter((t: any) => t.id.startsWith('review')).map((t: any) => t.status).sort()).toEqual(['skipped', 'skipped', 'succeeded', 'succeeded']);
      expect(r.result.metrics.costSpent, `j${concurrency}`).toBeCloseTo(0.9);
      // Another task's reports are no reason to expect more of it: it declares 0.1 and fits.
      expect(task(r.result, 'other')).toMatchObject({ status: 'succeeded', cost: 0.1 });
    }
  });

  it('fails a task whose retry does not fit the budget as any final failure, and fails the run for the work left undone', () => {
    const retried = 'cost: 2, retry: { maxAttempts: 3, delay: 0s }';
    // continueOnError lets its dependents run; the run still fails, saying why.
    const allowed = runProject({ 'workflow.yaml': `version: 1\npolicy: { costBudget: 3 }\ntasks:\n  a: { run: "exit 1", ${retried}, continueOnError: true }\n  b: { run: "true", needs: a }\n` });
    expect(task(allowed.result, 'a')).toMatchObject({ status: 'failed', reason: 'continue-on-error', attempts: 1, errors: [{ kind: 'exit-code' }, { kind: 'budget', attempt: 2 }] });
    expect(task(allowed.result, 'b')).toMatchObject({ status: 'succeeded' });
    expect([allowed.code, allowed.result.status]).toEqual([1, 'failed']);
    expect(allowed.result.reasons).toEqual(['1 task could not retry because another attempt would have gone over the cost budget of 3']);
    // Cascading stops the run at it; an open circuit fails the agent's next task fast.
    const cascade = runProject({ 'workflow.yaml': `version: 1\npolicy: { costBudget: 3, cancellation: cascading }\ntasks:\n  a: { run: "exit 1", ${retried} }\n  slow: { run: "sleep 30" }\n` });
    expect(task(cascade.result, 'a')).toMatchObject({ status: 'failed', reason: 'budget' });
    expect(task(cascade.result, 'slow')).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    const circuit = runProject({ 'workflow.yaml': `version: 1\npolicy: { costBudget: 3, circuitBreaker: { failureThreshold: 1, cooldown: 1h } }\nagents: { x: { command: 'sh -c "$(cat)"' } }\ntasks:\n  a: { agent: x, prompt: "exit 1", ${retried} }\n  wait: { run: "sleep 0.5" }\n  next: { agent: x, prompt: "true", cost: 1, needs: wait }\n` });
    expect(task(circuit.result, 'a')).toMatchObject({ status: 'failed', reason: 'budget' });
    expect(task(circuit.result, 'next')).toMatchObject({ status: 'failed', reason: 'circuit-open', attempts: 0 });
    // A matrix's failFast cancels its other expansions at it: bad's retry would overrun 5 while slow holds 2.
    const fast = runProject({ 'workflow.yaml': `version: 1\npolicy: { costBudget: 5 }\ntasks:\n  m: { matrix: { k: [bad, slow] }, failFast: true, run: "if [ \${{ matrix.k }} = bad ]; then exit 1; fi; sleep 30", ${retried} }\n` });
    expect(task(fast.result, 'm[bad]')).toMatchObject({ status: 'failed', reason: 'budget', attempts: 1 });
    expect(task(fast.result, 'm[slow]')).toMatchObject({ status: 'cancelled', reason: 'fail-fast' });
  });

  it('notes in the log of a task whose template read an output its task never set that it read empty, and why', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  build: { run: 'echo "version=1.2" >> $ORCHESTRATE_OUTPUT; echo "empty=" >> $ORCHESTRATE_OUTPUT; echo "meta={\\"tag\\":null}" >> $ORCHESTRATE_OUTPUT' }
  flaky: { run: "exit 3", continueOnError: true }
  deploy:
    needs: [build, flaky]
    run: echo "deploying [\${{ tasks.build.outputs.verison }}][\${{ tasks.build.outputs.empty }}][\${{ tasks.build.outputs.version }}]"
    env: { URL: "\${{ tasks.flaky.outputs.url }}", AGAIN: "\${{ tasks.build.outputs.verison }}" }
  quiet: { needs: build, run: 'test -n "\${{ tasks.build.outputs.tag }}"' }
  member: { needs: build, run: 'echo "[\${{ tasks.build.outputs.meta.tag }}][\${{ tasks.build.outputs.meta.sha }}][\${{ tasks.build.outputs.empty.x }}]"' }
`,
    });
    expect(r.code).toBe(1);
    const logs = join(r.dir, '.orchestrate/runs', r.result.runId);
    // Each such template once, in the order read (its env first), under the header and before the task's own lines; an output set empty is no such read.
    expect(readFileSync(join(logs, 'deploy.log'), 'utf8').split('\n').slice(1)).toEqual([
      '--- ${{ tasks.flaky.outputs.url }} reads empty: "flaky" ended failed and set no output "url"',
      '--- ${{ tasks.build.outputs.verison }} reads empty: "build" set no output "verison" (it set "version", "empty", "meta")',
      'out| deploying [][][1.2]',
      '',
    ]);
    // A task that prints nothing has the note in its log, and in the last lines a failure shows.
    expect(readFileSync(join(logs, 'quiet.log'), 'utf8')).toContain('--- ${{ tasks.build.outputs.tag }} reads empty: "build" set no output "tag" (it set "version", "empty", "meta")\n');
    // A member the JSON does not have, or a path into text that is not JSON; a member that is null is there.
    expect(readFileSync(join(logs, 'member.log'), 'utf8').split('\n').slice(1)).toEqual([
      '--- ${{ tasks.build.outputs.meta.sha }} reads empty: output "meta" of "build" has no member "sha"',
      '--- ${{ tasks.build.outputs.empty.x }} reads empty: output "empty" of "build" is not JSON',
      'out| [][][]',
      '',
    ]);
    expect(cli(['status'], { cwd: r.dir }).stdout).toContain('${{ tasks.build.outputs.tag }} reads empty');
  });

  it('notes which expansions of a matrix a fan-in read set no output, as the list it reads has "" for them; one read by its index as a task\'s own', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  review: { matrix: { f: [a, b, c, d, e] }, run: '[ "\${{ matrix.f }}" = a ] && echo "answer={\\"verdict\\": \\"ok\\"}" >> $ORCHESTRATE_OUTPUT; true' }
  sum: { needs: review, run: 'echo "\${{ tasks.review.outputs.answer }} \${{ tasks.review.outputs.answer.0 }} \${{ tasks.review.outputs.nothing }}"' }
  one: { needs: review, run: 'echo "[\${{ tasks.review.outputs.answer.0.verdict }}][\${{ tasks.review.outputs.answer.0.verdikt }}][\${{ tasks.review.outputs.answer.1.verdict }}][\${{ tasks.review.outputs.answer.7 }}]"' }
  all: { needs: review, run: 'echo "\${{ tasks.review.outputs.answer.verdikt }}"' }
`,
    });
    expect(r.code).toBe(0);
    const log = (id: string) => readFileSync(join(r.dir, '.orchestrate/runs', r.result.runId, `${id}.log`), 'utf8').split('\n').slice(1);
    expect(log('sum')).toEqual([
      '--- ${{ tasks.review.outputs.answer }} reads "" for some: 4 of the 5 expansions of "review" (review[b], review[c], review[d], ...) set no output "answer"',
      '--- ${{ tasks.review.outputs.nothing }} reads "" for each: none of the 5 expansions of "review" set an output "nothing"',
      'out| [{"verdict": "ok"},,,,] {verdict: ok} [,,,,]',
      '',
    ]);
    expect(log('one')).toEqual([
      '--- ${{ tasks.review.outputs.answer.0.verdikt }} reads empty: output "answer" of "review[a]" has no member "verdikt"',
      '--- ${{ tasks.review.outputs.answer.1.verdict }} reads empty: "review[b]" set no output "answer"',
      '--- ${{ tasks.review.outputs.answer.7 }} reads empty: "review" has 5 expansions, so none at index 7 (the first is 0)',
      'out| [ok][][][]',
      '',
    ]);
    // Each expansion's member, as a list: null for those that set no output, and for those whose output lacks it.
    expect(log('all')).toEqual([
      '--- ${{ tasks.review.outputs.answer.verdikt }} reads null for some: 4 of the 5 expansions of "review" (review[b], review[c], review[d], ...) set no output "answer"; ${{ tasks.review.outputs.answer.verdikt }} reads null for one: 1 of the 5 expansions of "review" (review[a]) set an output "answer" with no member "verdikt"',
      'out| [null,null,null,null,null]',
      '',
    ]);
  });

  it('refuses more than 1 MB of outputs from one attempt: the attempt is invalid, nothing is read whole', () => {
    const r = runProject({
      'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "head -c 1500000 /dev/zero | tr \'\\\\0\' x | sed \'s/^/big=/\' >> $ORCHESTRATE_OUTPUT" }\n  b: { run: "true", needs: a }\n',
    });
    expect(r.code).toBe(1);
    expect(task(r.result, 'a')).toMatchObject({ status: 'failed', outputs: {} });
    expect(task(r.result, 'a').errors).toEqual([{ attempt: 1, kind: 'invalid', message: 'outputs of 1.4 MB: at most 1 MB per attempt; write large data to a file (an artifact) and pass its path' }]);
    expect(task(r.result, 'b')).toMatchObject({ status: 'skipped' });
  });

  it('fails an attempt whose outputs file does not follow key=value / key<<EOF, as GitHub Actions does, and retries it', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  a:
    retry: { maxAttempts: 2, delay: 10ms }
    run: |
      echo "ok=1" >> "$ORCHESTRATE_OUTPUT"
      if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then printf 'notes<<END\\nno end\\n' >> "$ORCHESTRATE_OUTPUT"; fi
  b: { run: "echo $API_TOKEN >> $ORCHESTRATE_OUTPUT" }
`,
    }, [], { API_TOKEN: 'tok-12345-secret' });
    expect(task(r.result, 'a')).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { ok: '1' } });
    expect(task(r.result, 'a').errors).toEqual([{ attempt: 1, kind: 'invalid', message: 'invalid outputs file: line 2: output "notes" has no closing delimiter "END"' }]);
    // The offending line is quoted, masked.
    expect(task(r.result, 'b')).toMatchObject({ status: 'failed', outputs: {} });
    expect(task(r.result, 'b').errors[0].message).toBe('invalid outputs file: line 1: "***" is neither key=value nor key<<DELIMITER');
  });

  it('ignores a reported cost that is not a number from 0 to 1e15, and says so in the log', () => {
    const r = runProject({
      'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo cost=-3 >> $ORCHESTRATE_OUTPUT", cost: 0.5 }\n  b: { run: "echo cost=lots >> $ORCHESTRATE_OUTPUT", cost: 0.25 }\n'
        // Two such costs made the run's spending infinite, which JSON writes as null.
        + '  c: { run: "echo cost=1e308 >> $ORCHESTRATE_OUTPUT", cost: 1 }\n  d: { run: "echo cost=1e308 >> $ORCHESTRATE_OUTPUT", cost: 2 }\n  e: { run: "echo cost=1e15 >> $ORCHESTRATE_OUTPUT" }\n',
    });
    expect(r.code).toBe(0);
    expect(validateResult(r.result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => task(r.result, id).cost)).toEqual([0.5, 0.25, 1, 2, 1e15]);
    expect(r.result.metrics.costSpent).toBe(1e15 + 3.75);
    expect(readFileSync(join(r.result.logDir, 'a.log'), 'utf8')).toContain('--- cost "-3" ignored: not a number from 0 to 1e15; the declared cost counts');
    expect(readFileSync(join(r.result.logDir, 'b.log'), 'utf8')).toContain('--- cost "lots" ignored');
    expect(readFileSync(join(r.result.logDir, 'c.log'), 'utf8')).toContain('--- cost "1e308" ignored');
  });

  it('reads an attempt\'s cost from the JSON an agent answers with costOutput, and says in the log when it cannot', () => {
    const r = runProject({
      'answer.sh': '#!/bin/sh\ncat > /dev/null\ncase "$ORCHESTRATE_TASK_ID" in\n  plain) echo "just text" ;;\n  bare) echo \'{"result": "ok"}\' ;;\n  told) echo \'{"total_cost_usd": 9}\'; echo cost=0.5 >> "$ORCHESTRATE_OUTPUT" ;;\n  *) echo \'{"result": "ok", "total_cost_usd": 0.25}\' ;;\nesac\n',
      'workflow.yaml': `version: 1
agents:
  llm: { command: sh ./answer.sh, captureStdout: answer, costOutput: answer.total_cost_usd, cost: 0.1 }
tasks:
  json: { agent: llm, prompt: a }
  plain: { agent: llm, prompt: b }
  bare: { agent: llm, prompt: c }
  told: { agent: llm, prompt: d }
  own: { run: "echo '{\\"usage\\": {\\"cost\\": 0.03}}' > u.json; echo \\"usage=$(cat u.json)\\" >> $ORCHESTRATE_OUTPUT", costOutput: usage.usage.cost }
`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(validateResult(r.result), JSON.stringify(validateResult.errors)).toBe(true);
    // The member's number is the cost; a cost= output wins; where there is none, the declared cost counts.
    expect(['json', 'plain', 'bare', 'told', 'own'].map((id) => task(r.result, id).cost)).toEqual([0.25, 0.1, 0.1, 0.5, 0.03]);
    expect(task(r.result, 'json').outputs.answer).toBe('{"result": "ok", "total_cost_usd": 0.25}');
    expect(r.result.metrics.costSpent).toBe(0.98);
    const log = (id: string) => readFileSync(join(r.result.logDir, `${id}.log`), 'utf8');
    expect(log('plain')).toContain('--- costOutput answer.total_cost_usd ignored: output "answer" is not JSON; the declared cost counts');
    expect(log('bare')).toContain('--- costOutput answer.total_cost_usd ignored: there is nothing there; the declared cost counts');
    expect(log('json')).not.toContain('costOutput');
    // A typo of the output it reads is linted, as a template's is.
    writeFileSync(join(r.dir, 'workflow.yaml'), readFileSync(join(r.dir, 'workflow.yaml'), 'utf8').replace('costOutput: answer.', 'costOutput: anwser.'));
    const lint = cli(['lint', 'workflow.yaml'], { cwd: r.dir });
    expect(lint.stdout).toContain('workflow.yaml:3:70  warning  agent "llm" reads its cost from output "anwser" (costOutput anwser.total_cost_usd), which its tasks are not seen to set (did you mean "answer"?): no cost would be read there, and the declared cost would count  [unknown-output]');
  });

  it('writes ${{ as text through a string template, in a prompt, a command and a prompt file, filled when the task runs', () => {
    const r = runProject({
      'review.md': "Review the step that reads ${{ '${{' }} github.sha }} in ${{ matrix.file }}.\n",
      'workflow.yaml': `version: 1
agents: { llm: { command: cat, captureStdout: answer } }
tasks:
  ask: { agent: llm, prompt: "Explain \${{ '\${{' }} github.sha }}, it's \${{ 'it''s' }}" }
  file: { agent: llm, promptFile: review.md, matrix: { file: [ci.yml] } }
  shell:
    run: |
      set -e
      echo 'uses \${{ '\${{' }} inputs.x }}'
      echo 'v=\${{ '\${{' }} env.X }}' >> "$ORCHESTRATE_OUTPUT"
`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(task(r.result, 'ask').outputs.answer).toBe("Explain ${{ github.sha }}, it's it's");
    expect(task(r.result, 'file[ci.yml]').outputs.answer).toBe('Review the step that reads ${{ github.sha }} in ci.yml.');
    expect(readFileSync(join(r.result.logDir, 'shell.log'), 'utf8')).toContain('out| uses ${{ inputs.x }}\n');
    // What a task writes is never read as a template again.
    expect(task(r.result, 'shell').outputs.v).toBe('${{ env.X }}');
  });

  it('gives the log of an attempt that printed nothing its header before the note of how it failed', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  quiet: { run: "exit 3", retry: { maxAttempts: 2, delay: 10ms } }\n  costly: { run: "echo cost=lots >> $ORCHESTRATE_OUTPUT", cost: 1 }\n  both: { run: "echo cost=lots >> $ORCHESTRATE_OUTPUT", artifacts: [none.txt] }\n' });
    const lines = (id: string) => readFileSync(task(r.result, id).logFile, 'utf8').replace(/started \S+Z/g, 'started T').split('\n');
    expect(lines('quiet')).toEqual(['--- attempt 1 of quiet started T: exit 3', '--- attempt 1 failed: exit code 3', '--- attempt 2 of quiet started T: exit 3', '--- attempt 2 failed: exit code 3', '']);
    expect(lines('costly')).toEqual(['--- attempt 1 of costly started T: echo cost=lots >> $ORCHESTRATE_OUTPUT', '--- cost "lots" ignored: not a number from 0 to 1e15; the declared cost counts', '']);
    // Two notes on one silent attempt, the executor's and the artifact check's: one header.
    expect(lines('both')).toEqual(['--- attempt 1 of both started T: echo cost=lots >> $ORCHESTRATE_OUTPUT', '--- cost "lots" ignored: not a number from 0 to 1e15; the declared cost counts', '--- attempt 1 failed: artifact not created: none.txt', '']);
  });

  it('shows a failure\'s last lines as a terminal left them, without the terminal commands they held, masked again', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  noisy:
    run: |
      printf 'loading 10%%\\rloading 99%%\\r\\033[32mloaded\\033[0m\\r\\n\\033]0;a title\\007\\033[2J\\033[Hcleared\\001\\ttab\\n'
      printf 'key \\033[1mtok-\\033[0m12345\\n'
      exit 3
`,
    });
    const env = { GITHUB_STEP_SUMMARY: join(dir, 'job-summary.md'), API_TOKEN: 'tok-12345' };
    const r = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\n  | loaded\n  | cleared\\u0001\ttab\n  | key ***\n  | attempt 1 failed: exit code 3\n');
    expect(r.stdout).not.toContain('\u001b');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('\n```\nloaded\ncleared\\u0001\ttab\nkey ***\nattempt 1 failed: exit code 3\n```\n');
    const json = cli(['run', 'workflow.yaml', '--json'], { cwd: dir, env });
    const result = JSON.parse(json.stdout);
    expect(result.tasks[0].logTail).toEqual(['loaded', 'cleared\\u0001\ttab', 'key ***', 'attempt 1 failed: exit code 3']);
    // The log file keeps what the task printed; the secret is split there by the colour codes.
    expect(readFileSync(result.tasks[0].logFile, 'utf8')).toContain('out| \u001b]0;a title\u0007\u001b[2J\u001b[Hcleared\u0001\ttab\nout| key \u001b[1mtok-\u001b[0m12345\n');
  });

  it('fails an attempt whose declared artifacts are missing, and lists the produced ones', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  good: { run: "mkdir -p out && echo x > out/a.txt", artifacts: [out/a.txt] }
  bad: { run: "true", artifacts: [out/missing.txt], retry: { maxAttempts: 2, delay: 10ms } }
  globbed: { run: "mkdir -p dist/sub && touch dist/b.js dist/a.js dist/sub/c.js dist/x.css", artifacts: ["dist/*.js", "dist/**/c.js"] }
  no-match: { run: "mkdir -p empty", artifacts: ["empty/*.js"] }
`,
    });
    expect(task(r.result, 'good')).toMatchObject({ status: 'succeeded', artifacts: ['out/a.txt'] });
    expect(task(r.result, 'bad')).toMatchObject({ status: 'failed', attempts: 2 });
    expect(task(r.result, 'bad').errors[1]).toEqual({ attempt: 2, kind: 'invalid', message: 'artifact not created: out/missing.txt' });
    // A glob must match at least one file; the result lists the files it matched.
    expect(task(r.result, 'globbed')).toMatchObject({ status: 'succeeded', artifacts: ['dist/a.js', 'dist/b.js', 'dist/sub/c.js'] });
    expect(task(r.result, 'no-match').errors[0]).toEqual({ attempt: 1, kind: 'invalid', message: 'artifact not created: empty/*.js' });
    // The log says why, as for any failure, with each attempt's header though the task printed nothing; so does the tail.
    const log = readFileSync(task(r.result, 'bad').logFile, 'utf8').split('\n');
    expect(log.map((line) => line.replace(/started \S+Z/, 'started T'))).toEqual([
      '--- attempt 1 of bad started T: true', '--- attempt 1 failed: artifact not created: out/missing.txt',
      '--- attempt 2 of bad started T: true', '--- attempt 2 failed: artifact not created: out/missing.txt', '',
    ]);
    expect(task(r.result, 'bad').logTail).toEqual(['attempt 2 failed: artifact not created: out/missing.txt']);
    // Resumed, a reused task still lists what its globs match.
    const resumed = JSON.parse(cli(['run', 'workflow.yaml', '--resume', '--json'], { cwd: r.dir }).stdout);
    expect(task(resumed, 'globbed')).toMatchObject({ reason: 'reused', artifacts: ['dist/a.js', 'dist/b.js', 'dist/sub/c.js'] });
  });

  it.each([['1'], ['2']])('masks secrets in the console, logs, events, outputs and result, even split across writes (spawners: %s)', (spawners) => {
    const secret = 'sup3r-s3cret-value-42';
    const r = runProject({
      'workflow.yaml': `version: 1
secrets: [DEPLOY_CRED]
tasks:
  leak:
    run: |
      echo "token is $API_TOKEN"
      echo "cred is $DEPLOY_CRED" >&2
      printf 'sup3r-s3'; sleep 0.2; printf 'cret-value-42\\n'
      echo "out=$API_TOKEN" >> "$ORCHESTRATE_OUTPUT"
      exit 1
  per:
    matrix: { key: ["another-secret-99", plain] }
    run: echo "\${{ matrix.key }}"
`,
    }, ['--logs', 'all'], { API_TOKEN: secret, DEPLOY_CRED: 'another-secret-99', ORCHESTRATE_SPAWNERS: spawners });
    const files = filesUnder(join(r.dir, '.orchestrate'));
    const everything = [r.stdout, r.stderr, ...files, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('another-secret-99');
    expect(readFileSync(task(r.result, 'leak').logFile, 'utf8')).toContain('out| token is ***');
    expect(task(r.result, 'leak').outputs).toEqual({ out: '***' });
    expect(task(r.result, 'leak').logTail).toContain('***');
    // A matrix value that is a secret: the id is shown masked, and so is its log file's name, which the result gives.
    const masked = r.result.tasks.find((t: any) => t.id === 'per[***]');
    expect(readFileSync(masked.logFile, 'utf8')).toContain('out| ***');
    // --logs all: the console lines are masked, and so is the id they carry.
    expect(r.stderr).toContain('[leak] token is ***\n');
    expect(r.stderr).toContain('[per[***]] ***\n');
  });

  it('masks the values of variables named like passwords, passphrases and credentials beyond *PASSWORD*, but not the working directory', () => {
    const r = runProject({
      'workflow.yaml': 'version: 1\ntasks:\n  say: { run: \'echo "$DB_PASSWD $GPG_PASSPHRASE $AWS_CREDENTIALS at $PWD"\' }\n',
    }, ['--logs', 'all'], { DB_PASSWD: 'passwd-value-1', GPG_PASSPHRASE: 'phrase-value-2', AWS_CREDENTIALS: 'cred-value-3' });
    expect(r.stderr).toContain(`[say] *** *** *** at ${r.dir}\n`);
    expect(readFileSync(task(r.result, 'say').logFile, 'utf8')).toContain(`out| *** *** *** at ${r.dir}\n`);
  });

  it('warns when a name under secrets: is not set but a near one is, whose value would go unmasked', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\nsecrets: [SIGNING_PIN, ABSENT_ONE]\ntasks:\n  a: { run: "true" }\n' }, [], { SIGNING_PN: '4711-pin' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('orchestrate: warning: secrets: "SIGNING_PIN" is not set, but "SIGNING_PN" is, and its value is not masked: if it is the secret, name it under secrets:\n');
    expect(r.stderr).not.toContain('ABSENT_ONE');
  });

  it('masks a secret a task prints encoded: base64 (a Basic auth header), URL-encoded, JSON-escaped', () => {
    const secret = 'hunter2/"s3cret"+pw';
    const basic = Buffer.from(`deploy:${secret}`).toString('base64');
    const forms = [basic, Buffer.from(secret).toString('base64').replace(/=+$/, ''), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  encode:
    run: |
      printf 'Authorization: Basic %s\\n' "$(printf 'deploy:%s' "$DB_PASSWORD" | base64 -w0)"
      printf '%s' "$DB_PASSWORD" | base64
      "$NODE" -e 'console.log("postgres://app:" + encodeURIComponent(process.env.DB_PASSWORD) + "@db/app")'
      "$NODE" -e 'console.error(JSON.stringify({ password: process.env.DB_PASSWORD }))'
      echo "header=Basic $(printf 'deploy:%s' "$DB_PASSWORD" | base64 -w0)" >> "$ORCHESTRATE_OUTPUT"
`,
    }, ['--logs', 'all'], { DB_PASSWORD: secret, NODE: process.execPath });
    expect(r.code).toBe(0);
    const files = filesUnder(join(r.dir, '.orchestrate'));
    const everything = [r.stdout, r.stderr, ...files.map((f) => readFileSync(f, 'latin1'))].join('\n');
    for (const form of forms) expect(everything, form).not.toContain(form);
    const log = readFileSync(task(r.result, 'encode').logFile, 'utf8');
    expect(log).toContain('out| postgres://app:***@db/app\n');
    expect(log).toContain('err| {"password":"***"}\n');
    // "deploy:" stays readable, and a character or two at either end of the secret's part.
    expect(log).toMatch(/out\| Authorization: Basic ZGVwbG95O[\w+/]{0,3}\*\*\*[\w+/=]{0,4}\n/);
    expect(task(r.result, 'encode').outputs.header).toMatch(/^Basic ZGVwbG95O[\w+/]{0,3}\*\*\*[\w+/=]{0,4}$/);
    expect(r.stderr).toContain('[encode] postgres://app:***@db/app\n');
  });

  it('masks a key file base64-encoded over lines, as base64 and openssl base64 print it', () => {
    // A key as the environment holds it; the task encodes the file it came from, and the variable.
    const body = Array.from({ length: 20 }, (_, i) => Buffer.from(`line ${i} of a private key, not a real one: ${'k'.repeat(i)}`).toString('base64').slice(0, 64)).join('\n');
    const key = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
    const r = runProject({
      'key.pem': key,
      'workflow.yaml': `version: 1
tasks:
  encode:
    run: |
      base64 key.pem
      openssl base64 -in key.pem 2>/dev/null || base64 -w 64 key.pem
      printf '%s\\n' "$DEPLOY_KEY" | base64
`,
    }, ['--logs', 'all'], { DEPLOY_KEY: key.trimEnd() });
    expect(r.code).toBe(0);
    const log = readFileSync(task(r.result, 'encode').logFile, 'utf8');
    const encoded = Buffer.from(key).toString('base64');
    // No run of 16 characters of the key's encoding is left, at any of the alignments a line starts at.
    const printed = log.split('\n').filter((l) => l.startsWith('out| ')).map((l) => l.slice(5));
    expect(printed.length).toBeGreaterThan(40);
    for (const line of printed) {
      for (let at = 0; at + 16 <= line.length; at++) expect(encoded, line).not.toContain(line.slice(at, at + 16));
    }
    expect(r.stderr.split('\n').filter((l) => l.startsWith('[encode] ')).every((l) => /^\[encode\] \*\*\*[\w+/=]{0,11}$/.test(l))).toBe(true);
  });

  it('keeps its history and logs out of git: the .orchestrate it makes ignores itself, once', () => {
    const dir = tempProject({ 'package.json': '{}', 'orchestrate.yaml': 'version: 1\ntasks:\n  a: { run: "echo hi" }\n' });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    expect(cli(['run', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, '.orchestrate/.gitignore'), 'utf8')).toMatch(/^\*$/m);
    git('add', '.');
    expect(git('status', '--porcelain').stdout).toBe('A  orchestrate.yaml\nA  package.json\n');
    // Removed by the user, it stays removed: it is made with the directory only.
    rmSync(join(dir, '.orchestrate/.gitignore'));
    expect(cli(['run', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, '.orchestrate/.gitignore'))).toBe(false);
    // A --state elsewhere leaves that directory be; the run's logs still go to .orchestrate, which ignores itself.
    const other = tempProject({ 'package.json': '{}', 'orchestrate.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    expect(cli(['run', '--state', 'db/history.db', '--renderer', 'silent'], { cwd: other }).code).toBe(0);
    expect(readdirSync(join(other, 'db')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(join(other, '.orchestrate/.gitignore'))).toBe(true);
  });

  it('fills templates in an agent\'s params as in its prompt: inputs, matrix values and the runner at load, needs\' outputs and env when it starts', () => {
    const r = runProject({
      'agent.sh': '#!/bin/sh\nprintf "%s\\n" "$ORCHESTRATE_PARAMS" >> "params-$1.txt"\ncat >> "prompt-$1.txt"\n',
      'workflow.yaml': `version: 1
inputs: { model: { default: small } }
agents:
  reviewer: { command: "sh agent.sh \${{ matrix.file }}" }
tasks:
  find: { run: 'echo "rules=strict" >> "$ORCHESTRATE_OUTPUT"' }
  review:
    needs: find
    agent: reviewer
    matrix: { file: [a.ts, b.ts] }
    params:
      file: \${{ matrix.file }}
      options: { model: "\${{ inputs.model }}", rules: ["\${{ tasks.find.outputs.rules }}", "\${{ env.EXTRA }}"], os: "\${{ runner.os }}" }
      tries: 2
    prompt: Review \${{ params.file }} with \${{ params.options }}
`,
    }, ['-i', 'model=large'], { EXTRA: 'docs' });
    expect(r.code, r.stderr).toBe(0);
    const os = process.platform === 'darwin' ? 'macOS' : 'Linux';
    const options = { model: 'large', rules: ['strict', 'docs'], os };
    expect(JSON.parse(readFileSync(join(r.dir, 'params-a.ts.txt'), 'utf8'))).toEqual({ file: 'a.ts', options, tries: 2 });
    expect(JSON.parse(readFileSync(join(r.dir, 'params-b.ts.txt'), 'utf8'))).toEqual({ file: 'b.ts', options, tries: 2 });
    expect(readFileSync(join(r.dir, 'prompt-a.ts.txt'), 'utf8')).toBe(`Review a.ts with ${JSON.stringify(options)}`);
    // A param reading the params, and the references lint checks elsewhere.
    writeFileSync(join(r.dir, 'bad.yaml'), 'version: 1\ntasks:\n  a: { run: "true", params: { x: 1, y: "${{ params.x }}", z: ["${{ tasks.b.outputs.k }}"] } }\n  b: { run: "true" }\n');
    const lint = cli(['lint', 'bad.yaml', '--format', 'json'], { cwd: r.dir });
    expect(JSON.parse(lint.stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.column])).toEqual([['bad-template', 3, 41], ['unknown-reference', 3, 64]]);
  });

  it('fills run-time templates in cwd and artifacts: an environment variable (an absolute path too) and a need\'s output', () => {
    const elsewhere = tempProject({ 'marker.txt': 'x', 'work/keep': '' });
    const r = runProject({
      'pkg-a/keep': '',
      'workflow.yaml': `version: 1
tasks:
  pick: { run: 'echo "dir=pkg-a" >> "$ORCHESTRATE_OUTPUT"; echo "file=made.txt" >> "$ORCHESTRATE_OUTPUT"' }
  inside:
    needs: pick
    cwd: \${{ tasks.pick.outputs.dir }}
    run: pwd && touch made.txt
    artifacts: ["\${{ tasks.pick.outputs.file }}"]
  away:
    cwd: \${{ env.ELSEWHERE }}
    run: pwd
    artifacts: ["\${{ env.MARKER }}"]
  nested:
    cwd: sub-\${{ env.PART }}
    run: pwd
  home:
    cwd: ~/work
    run: pwd && touch out.txt
    artifacts: [~/work/out.txt]
`,
      'sub-x/keep': '',
    }, ['--logs', 'all'], { ELSEWHERE: elsewhere, MARKER: 'marker.txt', PART: 'x', HOME: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`[inside] ${join(r.dir, 'pkg-a')}\n`);
    expect(r.stderr).toContain(`[away] ${elsewhere}\n`);
    expect(r.stderr).toContain(`[nested] ${join(r.dir, 'sub-x')}\n`);
    expect(task(r.result, 'inside').artifacts).toEqual(['made.txt']);
    expect(task(r.result, 'away').artifacts).toEqual(['marker.txt']);
    // ~ is the home directory, as the shell reads it (actions/upload-artifact takes it so too).
    expect(r.stderr).toContain(`[home] ${join(elsewhere, 'work')}\n`);
    expect(task(r.result, 'home').artifacts).toEqual([join(elsewhere, 'work/out.txt')]);
  });

  it('reads a promptFile, a dotenv file and an include that start with ~ from the home directory', () => {
    const home = tempProject({
      'prompts/ask.md': 'question from home',
      '.env.shared': 'FROM_HOME=dotenv-from-home\n',
      'shared/flow.yaml': 'version: 1\ntasks:\n  hello: { run: echo included-from-home }\n',
    });
    const r = runProject({
      'workflow.yaml': `version: 1
dotenv: [~/.env.shared]
include:
  shared: ~/shared/flow.yaml
agents:
  echoer: { command: cat }
tasks:
  ask: { agent: echoer, promptFile: ~/prompts/ask.md }
  env: { run: echo "$FROM_HOME" }
`,
    }, ['--logs', 'all'], { HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[ask] question from home\n');
    expect(r.stderr).toContain('[env] dotenv-from-home\n');
    expect(r.stderr).toContain('[shared.hello] included-from-home\n');
  });

  it('gives a shell task an empty standard input, not the terminal\'s or what was piped to orchestrate', () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': 'version: 1\ntasks:\n  ask: { run: \'if read answer; then echo "got [$answer]"; else echo "end of input"; fi\' }\n' });
    const r = cli(['run', 'w.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir, input: 'typed-by-someone\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[ask] end of input\n');
    expect(r.stdout).not.toContain('typed-by-someone');
  });

  it('takes env values as written, which lint calls out when they read a variable as a shell would; ${{ env.X }} inserts it', () => {
    const dir = tempProject({
      'package.json': '{}',
      'w.yaml': `version: 1
tasks:
  a:
    env: { LITERAL: "$HOME/x", EXTENDED: "\${{ env.HOME }}/x" }
    run: echo "literal=$LITERAL extended=$EXTENDED"
`,
    });
    const lint = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics;
    expect(lint.map((d: any) => [d.code, d.line, d.column])).toEqual([['shell-variable-in-env', 4, 21]]);
    const r = cli(['run', 'w.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir, env: { HOME: dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`[a] literal=$HOME/x extended=${dir}/x\n`);
  });

  it('sets its own variables over a workflow\'s env of the same names, which lint calls out (reserved-env)', () => {
    const dir = tempProject({
      'package.json': '{}',
      'w.yaml': `version: 1
env: { ORCHESTRATE_OUTPUT: hijacked.txt, MY_OWN: kept }
tasks:
  a:
    env: { ORCHESTRATE_TASK_ID: fake }
    run: echo "v=1" >> "$ORCHESTRATE_OUTPUT"; env | grep -E '^(ORCHESTRATE_|MY_OWN)' | cut -d= -f1 | sort | tr '\\n' ' '; echo "id=$ORCHESTRATE_TASK_ID"
  b: { needs: a, run: 'echo "got \${{ tasks.a.outputs.v }}"' }
`,
    });
    const lint = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics;
    expect(lint.map((d: any) => [d.code, d.line, d.column])).toEqual([['reserved-env', 2, 8], ['reserved-env', 5, 12]]);
    const r = cli(['run', 'w.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // Every variable lint knows as the runner's is set for a shell task, over the workflow's value.
    for (const name of [...TASK_VARIABLES, 'MY_OWN']) expect(r.stdout).toMatch(new RegExp(`\\[a\\] .*\\b${name}\\b`));
    expect(r.stdout).toContain('id=a\n');
    expect(r.stdout).toContain('[b] got 1\n');
    expect(existsSync(join(dir, 'hijacked.txt'))).toBe(false);
  });

  it('runs only the selected tasks and what they need with --only', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a }\n  c: { run: "true", needs: b }\n  d: { run: "true" }\n' }, ['--only', 'b']);
    expect(r.result.tasks.map((t: any) => t.id)).toEqual(['a', 'b']);
    checkEvents(r.events, ['a', 'b']);
    const bad = cli(['run', 'workflow.yaml', '--only', 'bb'], { cwd: r.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('orchestrate: --only: no task "bb" in workflow (did you mean "b"?)');
    const none = cli(['run', 'workflow.yaml', '--only', ' , '], { cwd: r.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('orchestrate: --only needs at least one task id (comma-separated)\n');
  });

  it('runs the tasks named after the file, as make runs its targets, and plans only what a selection runs', () => {
    const yaml = 'version: 1\ntasks:\n  a: { run: "true", estimate: 1s }\n  b: { run: "true", needs: a, estimate: 1s }\n  c: { run: "true", needs: b, estimate: 1s }\n  d: { run: "true", estimate: 100s }\n';
    const r = runProject({ 'workflow.yaml': yaml }, ['b', 'd']);
    expect(r.result.tasks.map((t: any) => t.id)).toEqual(['a', 'b', 'd']);
    const dir = tempProject({ 'package.json': '{}', 'orchestrate.yaml': yaml });
    // Without a file, the words are tasks of orchestrate.yaml; with --only too, both count.
    const named = cli(['run', 'b', '--json'], { cwd: dir });
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout).tasks.map((t: any) => t.id)).toEqual(['a', 'b']);
    expect(JSON.parse(cli(['run', 'a', '--only', 'd', '--json'], { cwd: dir }).stdout).tasks.map((t: any) => t.id)).toEqual(['a', 'd']);
    // The plan (plan, --dry-run) and the summary's planned time cover only what runs: not d's 100 s.
    const plan = JSON.parse(cli(['plan', 'c', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: any) => t.id)).toEqual(['a', 'b', 'c']);
    const dry = JSON.parse(cli(['run', '--dry-run', '--only', 'b', '--json', '--state', 'fresh.db'], { cwd: dir }).stdout);
    expect(dry.tasks.map((t: any) => t.id)).toEqual(['a', 'b']);
    expect(dry.estimate.wall).toBe(2);
    const summary = cli(['run', 'b', '--state', 'fresh.db'], { cwd: dir });
    expect(summary.stdout).toMatch(/planned 2s, actual/);
    // Mistakes: one line, exit 2.
    const typo = cli(['run', 'bb'], { cwd: dir });
    expect([typo.code, typo.stderr]).toEqual([2, 'orchestrate: no task "bb" in orchestrate (did you mean "b"?)\n']);
    const empty = cli(['run', 'orchestrate.yaml', ' '], { cwd: dir });
    expect([empty.code, empty.stderr]).toEqual([2, 'orchestrate: an empty task name was given\n']);
    const elsewhere = cli(['run', 'b'], { cwd: r.dir });
    expect([elsewhere.code, elsewhere.stderr]).toEqual([2, 'orchestrate: no file "b", and no orchestrate.yaml here or above it in this project to run a task "b" of: name the workflow file first (orchestrate run FILE TASK...)\n']);
    expect(cli(['plan', 'b'], { cwd: r.dir }).stderr).toBe('orchestrate: no file "b", and no orchestrate.yaml here or above it in this project to plan a task "b" of: name the workflow file first (orchestrate plan FILE TASK...)\n');
    mkdirSync(join(r.dir, 'flows'));
    const directory = cli(['run', 'flows/'], { cwd: r.dir });
    expect([directory.code, directory.stderr]).toEqual([2, 'orchestrate: "flows/" is a directory, not a workflow file: name the file (orchestrate run flows/FILE.yaml)\n']);
  });

  it('takes * and ? in --only ids, matching ids and matrix base ids, and matrix ids with commas', () => {
    const yaml = 'version: 1\ntasks:\n  setup: { run: "true" }\n  test-unit: { run: "true", needs: setup }\n  test-e2e: { run: "true" }\n  build: { run: "true", matrix: { os: [linux, mac], node: [20, 22] } }\n  lint: { run: "true" }\n';
    const ids = (only: string) => runProject({ 'workflow.yaml': yaml }, ['--only', only]).result.tasks.map((t: any) => t.id).sort();
    expect(ids('test-*')).toEqual(['setup', 'test-e2e', 'test-unit']);
    expect(ids('build[linux,*],l?nt')).toEqual(['build[linux,20]', 'build[linux,22]', 'lint']);
    expect(ids('b*')).toEqual(['build[linux,20]', 'build[linux,22]', 'build[mac,20]', 'build[mac,22]']);
    // A matrix id's own commas do not split the list.
    expect(ids('build[mac,22], lint')).toEqual(['build[mac,22]', 'lint']);
    const r = runProject({ 'workflow.yaml': yaml }, ['--only', 'lint']);
    const none = cli(['run', 'workflow.yaml', '--only', 'deploy-*'], { cwd: r.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('orchestrate: --only: no task id matches "deploy-*" in workflow\n');
  });

  it('prints the plan with --dry-run and runs nothing', () => {
    const r = cli(['run', 'workflows/ci-pipeline.yaml', '--dry-run', '--json'], { cwd: examplesProject() });
    expect(r.code).toBe(0);
    expect(validator('plan')(JSON.parse(r.stdout))).toBe(true);
  });

  it('writes plain event lines with timestamps when not in a terminal, and events to stdout with --events -', () => {
    const dir = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' }).dir;
    const simple = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(simple.code).toBe(0);
    expect(simple.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+Z start a$/m);
    expect(simple.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+Z ok {4}a in /m);
    expect(simple.stdout).toContain('✔ workflow succeeded');
    const stream = cli(['run', 'workflow.yaml', '--events', '-'], { cwd: dir });
    const lines = stream.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.type)).toEqual(['workflow.started', 'task.queued', 'task.started', 'task.succeeded', 'workflow.finished']);
  });

  it('says in plain progress which tasks still run after six heartbeats without a line, and nowhere else', () => {
    // Heartbeats every 0.2 s: quiet after 1.2 s. The short task's end breaks the quiet once.
    const workflow = 'version: 1\ntelemetry: { heartbeat: 200ms }\ntasks:\n  long: { run: "sleep 3.5" }\n  short: { run: "sleep 0.5" }\n';
    const dir = runProject({ 'workflow.yaml': workflow }).dir;
    const plain = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    const still = plain.stdout.split('\n').filter((l) => l.includes('still running'));
    expect(still.length).toBeGreaterThanOrEqual(1);
    for (const line of still) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z still running: long \d+(\.\d+)?s$/);
    // The first comes six heartbeats after the last line (short's end), not before.
    const at = (pattern: RegExp) => Date.parse(plain.stdout.split('\n').find((l) => pattern.test(l))!.split(' ')[0]!);
    expect(at(/still running/) - at(/ ok {4}short/)).toBeGreaterThanOrEqual(1200);
    expect(plain.stdout.indexOf('still running')).toBeLessThan(plain.stdout.indexOf('ok    long'));
    // Silent progress and the JSON result print none.
    for (const args of [['--renderer', 'silent'], ['--json']]) {
      const r = cli(['run', 'workflow.yaml', ...args], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('still running');
    }
    // heartbeat 0: no heartbeats, so no such lines either.
    writeFileSync(join(dir, 'workflow.yaml'), workflow.replace('200ms', '0').replace('sleep 3.5', 'sleep 1.5'));
    const off = cli(['run', 'workflow.yaml', '--events', 'off.jsonl'], { cwd: dir });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).not.toContain('still running');
    expect(readFileSync(join(dir, 'off.jsonl'), 'utf8')).not.toContain('task.heartbeat');
  });

  it('says in plain progress what waits when nothing has run for six heartbeats: a retry\'s backoff, a task ready for room and what holds it', () => {
    // Heartbeats every 0.2 s: quiet after 1.2 s. The API answers flaky's first attempt with a Retry-After
    // of 3 s, which holds its agent (one task at a time): held, ready, waits too; after waits for flaky (not ready).
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
telemetry: { heartbeat: 200ms }
agents: { api: { command: 'sh -c "$(cat)"', retry: { maxAttempts: 2, delay: 0s }, concurrency: 1 } }
tasks:
  flaky: { agent: api, prompt: 'if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo retry-after=3 >> "$ORCHESTRATE_OUTPUT"; exit 75; fi' }
  held: { agent: api, prompt: "true", needs: [] }
  after: { run: "true", needs: flaky }
` });
    const plain = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    const waiting = plain.stdout.split('\n').filter((l) => l.includes('nothing running'));
    expect(waiting.length, plain.stdout).toBeGreaterThanOrEqual(1);
    // What held waits for is named, with how long it has still to wait.
    for (const line of waiting) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z nothing running; waiting: held \(ready \d+(\.\d+)?s; agent api: its API's Retry-After, \d+(\.\d+)?s more\), flaky \(its retry in \d+(\.\d+)?s\)$/);
    // Not before six heartbeats after the retry's line, and before the retry starts.
    const lines = plain.stdout.split('\n');
    const at = (pattern: RegExp) => Date.parse(lines.find((l) => pattern.test(l))!.split(' ')[0]!);
    expect(at(/nothing running/) - at(/ retry flaky /)).toBeGreaterThanOrEqual(1200);
    expect(plain.stdout.indexOf('nothing running')).toBeLessThan(plain.stdout.lastIndexOf('start flaky'));
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).stdout).not.toContain('nothing running');
  });

  it('names an agent\'s rate limit and how long until it frees when a ready task waits for it with nothing running', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
telemetry: { heartbeat: 200ms }
agents: { api: { command: "cat > /dev/null", rateLimit: { requests: 1, per: 3s } } }
tasks:
  first: { agent: api, prompt: one }
  second: { agent: api, prompt: two }
` });
    const plain = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    const waiting = plain.stdout.split('\n').filter((l) => l.includes('nothing running'));
    expect(waiting.length, plain.stdout).toBeGreaterThanOrEqual(1);
    for (const line of waiting) expect(line).toMatch(/ nothing running; waiting: (first|second) \(ready \d+(\.\d+)?s; agent api: 1 start per 3s, \d+(\.\d+)?s more\)$/);
  });

  it('gives one line and exit 2 when the run directory, the state file or the event file cannot be created', () => {
    const dir = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' }).dir;
    writeFileSync(join(dir, 'blocker'), 'a file where a directory should be');
    for (const args of [['--state', 'blocker/state.db'], ['--events', 'blocker/events.jsonl']]) {
      const r = cli(['run', 'workflow.yaml', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^orchestrate: .*blocker.*(a parent is not a directory|a file is in the way)/);
    }
    const other = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', '.orchestrate': 'not a directory' });
    const r = cli(['run', 'workflow.yaml'], { cwd: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^orchestrate: .*\.orchestrate/);
    expect(r.stderr).not.toContain('internal error');
  });

  it('gives one line and exit 2, running nothing, when TMPDIR names a directory that is not there', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "touch ran" }\n' });
    const r = cli(['run', 'workflow.yaml'], { cwd: dir, env: { TMPDIR: join(dir, 'gone') } });
    expect([r.code, r.stderr]).toEqual([2, `orchestrate: cannot make the run's private directory in ${join(dir, 'gone')} (TMPDIR): no such file; set TMPDIR to a directory that exists and can be written\n`]);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    // Nor is an empty run directory left behind, which no history knows and prune would not remove.
    expect(readdirSync(join(dir, '.orchestrate/runs'))).toEqual([]);
    // The library says the same, as a WorkflowError's sibling: an IoError.
    const api = spawnSync(process.execPath, ['--input-type=module', '-e', `import { executeParallel } from ${JSON.stringify(join(ROOT, 'dist/index.js'))}; executeParallel([{ id: 'a', run: 'true' }], { cwd: ${JSON.stringify(dir)} }).then(() => console.log('ran'), (e) => console.log(e.name, e.code));`], { encoding: 'utf8', env: { ...process.env, TMPDIR: join(dir, 'gone') } });
    expect(api.stdout.trim(), api.stderr).toBe('IoError io');
  });

  it('appends to an events file of earlier runs, and refuses to write into any other file (the workflow itself, by a slip)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "touch ran" }\n', 'notes.md': '# mine\n' });
    for (const file of ['workflow.yaml', 'notes.md']) {
      const before = readFileSync(join(dir, file), 'utf8');
      const r = cli(['run', 'workflow.yaml', '--events', file], { cwd: dir });
      expect([r.code, r.stderr]).toEqual([2, `orchestrate: --events ${file} exists and holds no orchestrate events: not written into (remove it, or choose another path)\n`]);
      expect(readFileSync(join(dir, file), 'utf8')).toBe(before);
    }
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    for (let i = 0; i < 2; i++) expect(cli(['run', 'workflow.yaml', '--events', 'events.jsonl'], { cwd: dir }).code).toBe(0);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events.filter((e) => e.type === 'workflow.started')).toHaveLength(2);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(cli(['run', 'workflow.yaml', '--events', 'empty.jsonl'], { cwd: dir }).code).toBe(0);
  });

  it('refuses an ORCHESTRATE_SPAWNERS that is not a whole number from 1, before anything runs or is recorded', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "touch ran" }\n' });
    for (const value of ['two', '0', '1.5', '-1']) {
      const r = cli(['run', 'workflow.yaml'], { cwd: dir, env: { ORCHESTRATE_SPAWNERS: value } });
      expect(r.code, value).toBe(2);
      expect(r.stderr).toBe(`orchestrate: ORCHESTRATE_SPAWNERS must be a whole number from 1 to 64, got "${value}"\n`);
    }
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    expect(existsSync(join(dir, '.orchestrate', 'runs'))).toBe(false);
    expect(cli(['run', 'workflow.yaml'], { cwd: dir, env: { ORCHESTRATE_SPAWNERS: '2' } }).code).toBe(0);
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('keeps the user\'s NODE_OPTIONS and NODE_EXTRA_CA_CERTS out of its spawner processes, not out of tasks', () => {
    // A preload that records each Node process it runs in: the runner only, not its spawners.
    const dir = tempProject({
      'package.json': '{}',
      'preload.cjs': 'require("fs").appendFileSync(__dirname + "/loaded", process.pid + "\\n");\n',
      'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "printf \'%s|%s\' \\"$NODE_OPTIONS\\" \\"$NODE_EXTRA_CA_CERTS\\" > seen" }\n',
    });
    const preload = join(dir, 'preload.cjs');
    const r = cli(['run', 'workflow.yaml'], { cwd: dir, env: { NODE_OPTIONS: `--require ${preload}`, NODE_EXTRA_CA_CERTS: '/no/such/bundle.pem', ORCHESTRATE_SPAWNERS: '2' } });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'loaded'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(dir, 'seen'), 'utf8')).toBe(`--require ${preload}|/no/such/bundle.pem`);
  });

  it('prints every task output line with --logs all, masked, before the task\'s end; to stderr with --json; at most 10,000 lines a task', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  a: { run: "echo hello from a; echo oops >&2; echo token=$API_TOKEN" }
  b: { run: "seq 1 3", needs: a }
  many: { run: "seq 1 12000" }
`,
    });
    const env = { API_TOKEN: 'tok-98765-secret' };
    const r = cli(['run', 'workflow.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const line of ['[a] hello from a', '[a] oops', '[a] token=***', '[b] 1', '[b] 3', '[many] 10000', '[many] ... (the rest of the output is in the log file)']) expect(lines, line).toContain(line);
    expect(lines).not.toContain('[many] 10001');
    expect(r.stdout).not.toContain('tok-98765-secret');
    const okA = lines.findIndex((l) => / ok {4}a in /.test(l));
    expect(lines.indexOf('[a] hello from a')).toBeLessThan(okA);
    expect(lines.indexOf('[b] 1')).toBeGreaterThan(okA);
    // Every line is in the log file all the same.
    const json = cli(['run', 'workflow.yaml', '--logs', 'all', '--json'], { cwd: dir, env });
    const result = JSON.parse(json.stdout);
    expect(json.stderr).toContain('[a] hello from a\n');
    expect(readFileSync(task(result, 'many').logFile, 'utf8')).toContain('out| 12000\n');
    // By default, no task output on the console.
    expect(cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env }).stdout).not.toContain('[a]');
  });

  it('holds each task\'s output until it ends with --logs grouped, masked, retries marked; GitHub Actions groups', () => {
    // a and b print side by side, each line a moment apart: as they come, their lines would interleave.
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  a: { run: "for i in 1 2 3; do echo a$i; sleep 0.1; done; echo token=$API_TOKEN" }
  b: { run: "for i in 1 2 3; do echo b$i >&2; sleep 0.1; done" }
  quiet: { run: "true" }
  flaky: { run: "echo try; test -f ok || { touch ok; exit 3; }", needs: [a, b], retry: { maxAttempts: 2, delay: 0.1 } }
`,
    });
    const env = { API_TOKEN: 'tok-98765-secret' };
    const r = cli(['run', 'workflow.yaml', '--logs', 'grouped', '--renderer', 'simple'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('tok-98765-secret');
    const lines = r.stdout.split('\n');
    const block = (id: string) => {
      const first = lines.findIndex((l) => l.startsWith(`[${id}] `));
      const end = lines.findIndex((l) => new RegExp(` ok {4}${id} in `).test(l));
      return lines.slice(first, end);
    };
    // Each task's lines together, right before the line that says it ended.
    expect(block('a')).toEqual(['[a] a1', '[a] a2', '[a] a3', '[a] token=***']);
    expect(block('b')).toEqual(['[b] b1', '[b] b2', '[b] b3']);
    expect(block('flaky')).toEqual(['[flaky] try', '[flaky] --- attempt 1 failed: exit code 3; retrying', '[flaky] try']);
    expect(r.stdout).not.toContain('[quiet]');
    // In GitHub Actions: a collapsible group per task, on stderr beside --json.
    rmSync(join(dir, 'ok'));
    const github = cli(['run', 'workflow.yaml', '--logs', 'grouped', '--json'], { cwd: dir, env: { ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '' } });
    expect(JSON.parse(github.stdout).status).toBe('succeeded');
    expect(github.stderr).toContain('::group::b (succeeded)\nb1\nb2\nb3\n::endgroup::\n');
    // A failure is not folded away: GitHub opens no group by default, so its lines are not in one.
    writeFileSync(join(dir, 'workflow.yaml'), 'version: 1\ntasks:\n  good: { run: "echo fine" }\n  bad: { run: "echo broken; exit 2" }\n');
    const failed = cli(['run', 'workflow.yaml', '--logs', 'grouped', '--renderer', 'simple'], { cwd: dir, env: { ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '' } });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('::group::good (succeeded)\nfine\n::endgroup::\n');
    expect(failed.stdout).toContain('\n[bad] broken\n');
    expect(failed.stdout).not.toContain('::group::bad');
  });

  it('folds each task\'s grouped output into a GitLab CI section, folded when it succeeded, open when it failed', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  good: { run: "echo fine; sleep 1.1; echo done" }
  check: { matrix: { os: [a b] }, run: "echo broken; exit 1", needs: good }
` });
    const r = cli(['run', 'workflow.yaml', '--logs', 'grouped', '--renderer', 'simple'], { cwd: dir, env: { GITLAB_CI: 'true', GITHUB_ACTIONS: '' } });
    expect(r.code, r.stderr).toBe(1);
    const good = /\x1b\[0Ksection_start:(\d+):orchestrate-1-good\[collapsed=true\]\r\x1b\[0Kgood \(succeeded\)\nfine\ndone\n\x1b\[0Ksection_end:(\d+):orchestrate-1-good\r\x1b\[0K\n/.exec(r.stdout);
    expect(good, r.stdout).not.toBeNull();
    // Timed from the task's start (Unix seconds): GitLab shows the section's duration.
    expect(Number(good![2]) - Number(good![1])).toBeGreaterThanOrEqual(1);
    // A section's name keeps to letters, digits, _ . and -.
    expect(r.stdout).toMatch(/\x1b\[0Ksection_start:\d+:orchestrate-2-check_a_b_\r\x1b\[0Kcheck\[a b\] \(failed\)\nbroken\n\x1b\[0Ksection_end:\d+:orchestrate-2-check_a_b_\r\x1b\[0K\n/);
    expect(r.stdout).not.toContain('[good]');
  });

  it('colours each task\'s [task] prefix where colour is on, the same colour in every run, and none with NO_COLOR or off a terminal', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  alpha: { run: "echo one; echo two" }\n  beta: { run: "echo three", needs: alpha }\n' });
    const prefixed = (stdout: string, word: string) => stdout.split('\n').find((line) => line.endsWith(` ${word}`))!;
    const colourOf = (line: string) => /^\x1b\[(\d+)m\[(\w+)\]\x1b\[39m /.exec(line)?.slice(1);
    for (const logs of ['all', 'grouped']) {
      const r = cli(['run', 'workflow.yaml', '--logs', logs, '--renderer', 'simple'], { cwd: dir, env: { FORCE_COLOR: '1' } });
      expect(r.code, r.stderr).toBe(0);
      const [one, two, three] = ['one', 'two', 'three'].map((word) => colourOf(prefixed(r.stdout, word)));
      expect([one?.[1], two?.[1], three?.[1]], logs).toEqual(['alpha', 'alpha', 'beta']);
      // One task's lines share a colour; the two tasks' colours differ (as these two ids hash).
      expect(one![0]).toBe(two![0]);
      expect(one![0]).not.toBe(three![0]);
    }
    const again = cli(['run', 'workflow.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(colourOf(prefixed(again.stdout, 'one'))).toEqual(colourOf(prefixed(cli(['logs', '-f'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout, 'one')));
    for (const env of [{ NO_COLOR: '1' }, {}]) {
      const plain = cli(['run', 'workflow.yaml', '--logs', 'all', '--renderer', 'simple'], { cwd: dir, env });
      expect(prefixed(plain.stdout, 'one')).toBe('[alpha] one');
    }
  });

  it('writes the result to a --result file beside the summary, replacing only an earlier result', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo token=$API_TOKEN" }\n  b: { run: "exit 3", needs: a }\n', 'notes.json': '{"mine": 1}\n' });
    const env = { API_TOKEN: 'tok-secret-123' };
    const r = cli(['run', 'workflow.yaml', '--result', 'out/result.json', '--renderer', 'simple'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✖ workflow failed');
    const text = readFileSync(join(dir, 'out/result.json'), 'utf8');
    const result = JSON.parse(text);
    expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
    expect([result.status, result.tasks.map((t: any) => t.status)]).toEqual(['failed', ['succeeded', 'failed']]);
    expect(text).not.toContain('tok-secret-123');
    // The next run replaces it; --json prints the same object.
    const again = cli(['run', 'workflow.yaml', '--result', 'out/result.json', '--json'], { cwd: dir });
    expect(JSON.parse(readFileSync(join(dir, 'out/result.json'), 'utf8'))).toEqual(JSON.parse(again.stdout));
    // A file of the user's, a directory, or a dry run: refused before anything runs.
    for (const [args, message] of [
      [['--result', 'notes.json'], 'orchestrate: --result notes.json exists and is not an orchestrate run result: not overwritten (remove it, or choose another path)\n'],
      [['--result', 'out'], 'orchestrate: --result out is a directory: name a file\n'],
      [['--result', '/dev/null'], 'orchestrate: --result /dev/null is not a regular file (a device or a pipe): name a file, or print the result with --json\n'],
      [['--result', 'plan.json', '--dry-run'], 'orchestrate: --result writes what a run did, and a dry run runs nothing: --dry-run --json prints its plan\n'],
    ] as const) {
      const refused = cli(['run', 'workflow.yaml', ...args], { cwd: dir });
      expect([refused.code, refused.stderr]).toEqual([2, message]);
    }
    expect(readFileSync(join(dir, 'notes.json'), 'utf8')).toBe('{"mine": 1}\n');
    expect(JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout)).toHaveLength(2);
  });

  it('appends to an existing --events file, never truncating what was there', () => {
    // An earlier run's event, as a file of events holds (any other file is refused: see below).
    const earlier = '{"ts":"2026-01-01T00:00:00.000Z","runId":"20260101T000000Z-abcdef","type":"workflow.started"}';
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', 'events.jsonl': `${earlier}\n` });
    const runs = [1, 2].map(() => JSON.parse(cli(['run', 'workflow.yaml', '--json', '--events', 'events.jsonl'], { cwd: dir }).stdout).runId);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(earlier);
    const started = lines.slice(1).map((l) => JSON.parse(l)).filter((e) => e.type === 'workflow.started');
    expect(started.map((e) => e.runId)).toEqual(runs);
  });

  it('refuses an event path that is a directory before running, and warns when events cannot be written', () => {
    const dir = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo ran >> a.txt" }\n' }).dir;
    const r = cli(['run', 'workflow.yaml', '--events', '.orchestrate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('orchestrate: cannot write .orchestrate: is a directory\n');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    if (existsSync('/dev/full')) {
      const full = cli(['run', 'workflow.yaml', '--events', '/dev/full', '--renderer', 'silent'], { cwd: dir });
      expect(full.code).toBe(0);
      expect(full.stderr).toMatch(/^orchestrate: warning: the events could not all be written to \/dev\/full: no space left on the device\n/);
    }
  });

  it.skipIf(!existsSync('/dev/full'))('says when its standard output cannot be written (a full disk), and does not exit 0 for it', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "exit 3" }\n' });
    const toFull = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'], env: { ...process.env, CI: '' } });
    const said = 'orchestrate: cannot write standard output: no space left on the device; what it printed is incomplete\n';
    for (const args of [['plan', 'workflow.yaml', '--json'], ['run', 'workflow.yaml', 'a', '--json'], ['history']]) {
      const r = toFull(args);
      expect([args[0], r.status, r.stderr.endsWith(said)]).toEqual([args[0], 2, true]);
    }
    // A run that failed keeps its own exit code; it still says its output is incomplete.
    const failed = toFull(['run', 'workflow.yaml', '--json']);
    expect([failed.status, failed.stderr.endsWith(said)]).toEqual([1, true]);
    // The run itself went on and was recorded.
    expect(JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout)).toHaveLength(2);
  });

  it.skipIf(!existsSync('/dev/full'))('goes on when a task\'s log cannot be written (a full disk): the task is not stopped by its full pipe, and a warning names it', () => {
    // The task makes its own log /dev/full before it prints, as a disk that filled up would: every write fails.
    const big = `ln -s /dev/full .orchestrate/runs/$ORCHESTRATE_RUN_ID/big.log && head -c 3000000 /dev/zero | tr '\\\\0' x | fold -w 100 && echo done > done.txt`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\ntasks:\n  big: { run: "${big}", timeout: 60s }\n  after: { run: "echo after > after.txt", needs: [big] }\n` });
    const r = spawnSync(process.execPath, [BIN, 'run', 'workflow.yaml', '--json'], { cwd: dir, encoding: 'utf8', timeout: 90_000, env: { ...process.env, CI: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'done.txt')) && existsSync(join(dir, 'after.txt'))).toBe(true);
    const result = JSON.parse(r.stdout);
    expect(result.tasks.map((t: any) => [t.id, t.status])).toEqual([['big', 'succeeded'], ['after', 'succeeded']]);
    expect(r.stderr).toBe(`orchestrate: warning: the log of big could not all be written (no space left on the device): its output is not all in ${join(dir, '.orchestrate/runs', result.runId)}; the task went on\n`);
  }, 120_000);

  it('fails at once, not spinning, where a directory cannot be made under a dangling symlink or /proc', () => {
    const dir = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' }).dir;
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const cases = [['--events', 'dangling/events.jsonl'], ['--state', 'dangling/state.db']];
    if (existsSync('/proc/self')) cases.push(['--events', '/proc/orchestrate-test/events.jsonl']);
    for (const args of cases) {
      // Node's own recursive mkdir loops forever here.
      const r = cli(['run', 'workflow.yaml', ...args], { cwd: dir, timeout: 20_000 });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^orchestrate: cannot (write|create) .*: no such file\n$/);
    }
  });

  it('says when a working directory does not exist or is a file, or an agent command is missing', () => {
    const r = runProject({
      'a-file': '',
      'workflow.yaml': 'version: 1\nagents: { x: { command: ./missing-agent.sh } }\ntasks:\n  a: { run: "true", cwd: nowhere }\n  b: { agent: x }\n  c: { run: "true;", cwd: a-file }\n  d: { run: "true", cwd: a-file }\n',
    });
    expect(r.code).toBe(1);
    expect(task(r.result, 'a').errors[0]).toMatchObject({ kind: 'spawn' });
    expect(task(r.result, 'a').errors[0].message).toMatch(/the working directory .*nowhere does not exist/);
    for (const id of ['c', 'd']) {
      expect(task(r.result, id).errors[0], id).toMatchObject({ kind: 'spawn' });
      expect(task(r.result, id).errors[0].message, id).toMatch(/the working directory .*a-file is not a directory/);
    }
    expect(task(r.result, 'b').logTail.join('\n')).toContain('missing-agent.sh: not found');
  });

  // Root enters any directory: as root, the run goes in a user namespace of its own (unshare -U), where the owner's bits decide.
  it.skipIf(process.getuid?.() === 0 && spawnSync('unshare', ['-U', 'true']).status !== 0)('says when a working directory cannot be entered, not that the shell cannot run (as root: needs unshare -U)', () => {
    const dir = tempProject({ 'package.json': '{}', 'locked/.keep': '', 'workflow.yaml': 'version: 1\ntasks:\n  piped: { run: "echo a | cat", cwd: locked }\n  simple: { run: "touch x", cwd: locked }\n' });
    chmodSync(join(dir, 'locked'), 0o600);
    try {
      const [command, prefix] = process.getuid?.() === 0 ? ['unshare', ['-U', process.execPath]] : [process.execPath, []];
      const r = spawnSync(command, [...prefix, BIN, 'run', 'workflow.yaml', '--json'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(1);
      for (const t of JSON.parse(r.stdout).tasks) expect([t.id, t.errors[0].message]).toEqual([t.id, `could not start: the working directory ${join(dir, 'locked')} cannot be entered (permission denied)`]);
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
    }
  });

  it('runs a simple command without a shell, and it ends as it would under sh -c', () => {
    // Each pair: the simple command, exec'd directly, and the same through sh (the trailing `;` needs the shell).
    const r = runProject({
      'tool.sh': '#!/bin/sh\necho "$PWD|$0|$1" > "$2"\n',
      'noshebang': 'echo ran > noshebang.txt\n',
      'plain.txt': '',
      'sub/.keep': '',
      'workflow.yaml': `version: 1
tasks:
  direct: { run: "sh ../tool.sh arg ../direct.txt", cwd: sub }
  shell: { run: "sh ../tool.sh arg ../shell.txt;", cwd: sub }
  missing: { run: "no-such-program x" }
  missing-sh: { run: "no-such-program x;" }
  denied: { run: ./plain.txt }
  denied-sh: { run: ./plain.txt; }
  prepare: { run: chmod +x noshebang }
  script: { run: ./noshebang, needs: prepare }
`,
    });
    const line = (f: string) => readFileSync(join(r.dir, f), 'utf8');
    expect(line('direct.txt')).toBe(line('shell.txt').replace('shell.txt', 'direct.txt'));
    expect(line('direct.txt')).toBe(`${join(r.dir, 'sub')}|../tool.sh|arg\n`);
    expect([task(r.result, 'missing').exitCode, task(r.result, 'missing-sh').exitCode]).toEqual([127, 127]);
    expect(task(r.result, 'missing').logTail.join('\n')).toContain('no-such-program: not found');
    expect(task(r.result, 'missing').errors[0]).toMatchObject({ kind: 'exit-code', message: 'exit code 127' });
    expect([task(r.result, 'denied').exitCode, task(r.result, 'denied-sh').exitCode]).toEqual([126, 126]);
    expect(task(r.result, 'denied').logTail.join('\n')).toContain('./plain.txt: permission denied');
    // An executable file without #! runs as a shell script, as sh would run it.
    expect(task(r.result, 'script').status).toBe('succeeded');
    expect(line('noshebang.txt')).toBe('ran\n');
  });

  it('gives an agent its prompt on stdin and in ORCHESTRATE_PROMPT_FILE, and in ORCHESTRATE_PROMPT unless it is too large for a variable; no task inherits the runner\'s', () => {
    const big = 'x'.repeat(200_000);
    const r = runProject({
      'agent.sh': `#!/bin/sh
stdin=$(wc -c | tr -d ' ')
file=$(wc -c < "$ORCHESTRATE_PROMPT_FILE" | tr -d ' ')
printf 'stdin=%s\\nfile=%s\\nvariable=%s\\npath=%s\\n' "$stdin" "$file" "\${#ORCHESTRATE_PROMPT}" "$ORCHESTRATE_PROMPT_FILE" >> "$ORCHESTRATE_OUTPUT"
`,
      'workflow.yaml': `version: 1\nagents:\n  a: { command: sh ./agent.sh }\ntasks:\n  small: { agent: a, prompt: "hello" }\n  large: { agent: a, prompt: "${big}" }
  plain: { run: 'printf "prompt=%s\\nfile=%s\\n" "\${ORCHESTRATE_PROMPT-unset}" "\${ORCHESTRATE_PROMPT_FILE-unset}" >> "$ORCHESTRATE_OUTPUT"' }\n`,
      // The runner itself runs inside an agent task, as a nested workflow does.
    }, [], { ORCHESTRATE_PROMPT: 'the outer prompt', ORCHESTRATE_PROMPT_FILE: '/outer/task.prompt' });
    expect(r.code).toBe(0);
    expect(task(r.result, 'small').outputs).toMatchObject({ stdin: '5', file: '5', variable: '5' });
    expect(task(r.result, 'large').outputs).toMatchObject({ stdin: '200000', file: '200000', variable: '0' });
    expect(task(r.result, 'plain').outputs).toEqual({ prompt: 'unset', file: 'unset' });
    // The prompt file is private to the attempt and gone after it.
    for (const id of ['small', 'large']) expect(existsSync(task(r.result, id).outputs.path)).toBe(false);
  });

  it('gives a task its params in ORCHESTRATE_PARAMS_FILE, and in ORCHESTRATE_PARAMS unless they are too large for a variable; no task inherits the runner\'s', () => {
    const r = runProject({
      'agent.sh': `#!/bin/sh
printf 'file=%s\\nvariable=%s\\npath=%s\\n' "$(wc -c < "$ORCHESTRATE_PARAMS_FILE" | tr -d ' ')" "\${#ORCHESTRATE_PARAMS}" "$ORCHESTRATE_PARAMS_FILE" >> "$ORCHESTRATE_OUTPUT"
`,
      // A need's output of 150,000 bytes makes params too large for one variable (128 KB on Linux).
      'workflow.yaml': `version: 1\nagents:\n  a: { command: sh ./agent.sh }\ntasks:
  make: { run: "{ printf big=; head -c 150000 /dev/zero | tr '\\\\0' y; echo; } >> \\"$ORCHESTRATE_OUTPUT\\"" }
  large: { agent: a, needs: make, params: { text: "\${{ tasks.make.outputs.big }}" } }
  small: { agent: a, params: { n: 1 } }
  none: { agent: a }
  plain: { run: 'printf "params=%s\\nfile=%s\\n" "\${ORCHESTRATE_PARAMS-unset}" "\${ORCHESTRATE_PARAMS_FILE-unset}" >> "$ORCHESTRATE_OUTPUT"' }\n`,
    }, [], { ORCHESTRATE_PARAMS: '{"outer":true}', ORCHESTRATE_PARAMS_FILE: '/outer/task.params.json' });
    expect(r.code).toBe(0);
    expect(task(r.result, 'large').outputs).toMatchObject({ file: String(150_000 + '{"text":""}'.length), variable: '0' });
    expect(task(r.result, 'small').outputs).toMatchObject({ file: '7', variable: '7' });
    expect(task(r.result, 'none').outputs).toMatchObject({ file: '2', variable: '2' });
    // A shell task without params gets them as JSON, and no file.
    expect(task(r.result, 'plain').outputs).toEqual({ params: '{}', file: 'unset' });
    // The params file is private to the attempt and gone after it.
    for (const id of ['large', 'small', 'none']) expect(existsSync(task(r.result, id).outputs.path)).toBe(false);
  });

  it('runs commands with the shell the workflow, agent or task names, and says when that shell is missing', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
shell: bash -euo pipefail -c
agents:
  js: { command: "require('fs').appendFileSync(process.env.ORCHESTRATE_OUTPUT, 'sum=' + (6 * 7) + '\\\\n')", shell: ${process.execPath} -e }
tasks:
  arrays: { run: 'a=(x y z); [[ \${#a[@]} == 3 ]] && echo "n=\${#a[@]}" >> "$ORCHESTRATE_OUTPUT"' }
  pipefail: { run: 'false | cat; echo reached >> never.txt' }
  agent: { agent: js }
  missing: { run: "true", shell: no-such-shell -c }
`,
    });
    expect(task(r.result, 'arrays')).toMatchObject({ status: 'succeeded', outputs: { n: '3' } });
    // bash -e with pipefail: the failing pipe stops the script.
    expect(task(r.result, 'pipefail')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(existsSync(join(r.dir, 'never.txt'))).toBe(false);
    expect(task(r.result, 'agent').outputs).toEqual({ sum: '42' });
    expect(task(r.result, 'missing').errors[0]).toEqual({ attempt: 1, kind: 'spawn', message: 'could not start: the shell "no-such-shell" was not found (set by `shell`)' });
    // A shell is named before anything is filled: a template there is refused before the run.
    writeFileSync(join(r.dir, 'templated.yaml'), 'version: 1\ninputs: { sh: { default: bash } }\ntasks:\n  a: { run: "true", shell: "${{ inputs.sh }} -c" }\n');
    const refused = cli(['run', 'templated.yaml'], { cwd: r.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('templated.yaml:4:28  error  `shell` takes no template ("${{ inputs.sh }} -c"): it names the program every command of it is given to, before anything is filled; write the program itself  [bad-template]');
  });

  // An image without a shell (distroless), made here by putting a file that cannot run over /bin/sh in a mount namespace (root only).
  it.skipIf(process.getuid?.() !== 0 || spawnSync('unshare', ['-m', 'true']).status !== 0)('says when /bin/sh cannot run, and still runs simple commands without it (as root: needs unshare -m)', () => {
    const dir = tempProject({ 'package.json': '{}', 'not-a-shell': 'text', 'workflow.yaml': 'version: 1\ntasks:\n  piped: { run: "echo a | cat" }\n  simple: { run: "touch ran-without-shell" }\n' });
    const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind not-a-shell /bin/sh && exec "$0" "$@"', process.execPath, BIN, 'run', 'workflow.yaml', '--json'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(task(result, 'piped').errors[0].message).toBe('could not start: the shell /bin/sh cannot be run (permission denied): this command needs one (an image without a shell runs simple commands only), or name another with `shell`');
    expect(task(result, 'simple').status).toBe('succeeded');
    expect(existsSync(join(dir, 'ran-without-shell'))).toBe(true);
  });

  it('says when a command or environment is too large to start, naming the part too large', () => {
    const r = runProject({ 'workflow.yaml': `version: 1
tasks:
  a: { run: "true", env: { SMALL: x, BIG_TEXT: "${'y'.repeat(200_000)}" } }
  big: { run: "head -c 300000 /dev/zero | tr '\\\\0' a", captureStdout: text }
  use: { run: "echo '\${{ tasks.big.outputs.text }}' | wc -c", needs: big }
` });
    expect(r.code).toBe(1);
    expect(task(r.result, 'a').errors[0]).toMatchObject({ kind: 'spawn' });
    const advice = 'too large to start (E2BIG; Linux takes at most 128 KB in one): pass a large value in a file instead — a task can write it to a file and give the path as its output';
    expect(task(r.result, 'a').errors[0].message).toBe(`could not start: its environment variable BIG_TEXT is 196 KB, ${advice}`);
    expect(task(r.result, 'big').status).toBe('succeeded');
    expect(task(r.result, 'use').errors[0].message).toBe(`could not start: its command is 293 KB once its templates are filled, ${advice}`);
  });

  it('says when an output a command reads carries a NUL byte, and refuses one written in the file', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "printf \'v=a\\\\000b\\\\n\' >> $ORCHESTRATE_OUTPUT" }\n  b: { run: "echo ${{ tasks.a.outputs.v }}", needs: a }\n' });
    expect(r.code).toBe(1);
    expect(task(r.result, 'b').errors[0]).toEqual({ attempt: 1, kind: 'spawn', message: 'could not start: the command or its environment holds a NUL byte (\\0), which no process can be given: did an output that a template reads carry one?' });
    writeFileSync(join(r.dir, 'nul.yaml'), 'version: 1\ntasks:\n  a: { run: "echo \\0" }\n');
    const refused = cli(['run', 'nul.yaml'], { cwd: r.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('nul.yaml:3:13  error  tasks.a.run holds a NUL byte');
  });

  it('gives an invalid workflow the lint report and exit 2', () => {
    const r = cli(['run', 'test/fixtures/lint/cycle/workflow.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[cycle]');
  });
});
