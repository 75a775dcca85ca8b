import { describe, expect, it } from 'vitest';
import { definitionHashes } from './definition-hash.js';
import { codes, load } from './test-helpers.js';

describe('the model', () => {
  it('cascades task over agent over policy over config over built-in defaults', () => {
    const text = `version: 1
policy:
  retry: { maxAttempts: 3, delay: 2s }
  taskTimeout: 1m
agents:
  writer:
    command: ./write.sh
    estimate: 3m
    cost: 0.5
    timeout: 20m
    retry: { maxAttempts: 2 }
    env: { MODEL: large, SHARED: agent }
env: { SHARED: workflow, ONLY: wf }
tasks:
  a:
    agent: writer
  b:
    agent: writer
    estimate: 30s
    cost: 2
    timeout: 5s
    retry: { backoff: fixed }
    env: { SHARED: task }
  c:
    run: make
`;
    const config = { policy: { retry: { jitter: 0.5, maxDelay: '10s' }, maxConcurrency: 3 } };
    const w = load(text, config).workflow!;
    const [a, b, c] = w.tasks;
    expect(w.policy.maxConcurrency).toBe(3);
    expect(a).toMatchObject({ estimate: 180, estimateSource: 'agent', cost: 0.5, timeout: 1200, kind: 'agent', command: './write.sh' });
    expect(a!.retry).toEqual({ maxAttempts: 2, backoff: 'exponential', delay: 2, maxDelay: 10, jitter: 0.5, onExitCodes: [], onKinds: ['exit-code', 'timeout', 'invalid', 'spawn'] });
    expect(a!.env).toEqual({ SHARED: 'agent', ONLY: 'wf', MODEL: 'large' });
    expect(b).toMatchObject({ estimate: 30, estimateSource: 'declared', cost: 2, timeout: 5 });
    expect(b!.retry).toMatchObject({ maxAttempts: 2, backoff: 'fixed', delay: 2 });
    expect(b!.env.SHARED).toBe('task');
    expect(c).toMatchObject({ estimate: 10, estimateSource: 'default', cost: 0, timeout: 60, kind: 'shell' });
    expect(c!.retry).toMatchObject({ maxAttempts: 3, jitter: 0.5 });
  });

  it('takes built-in defaults from the schema', () => {
    const w = load('version: 1\ntasks:\n  a: { run: x }\n  b: { agent: z }\nagents: { z: { command: y } }\n').workflow!;
    expect(w.policy).toMatchObject({ fairness: 'critical-path', cancellation: 'isolated', gracePeriod: 5 });
    expect(w.policy.retry).toEqual({ maxAttempts: 1, backoff: 'exponential', delay: 1, maxDelay: 60, jitter: 0, onExitCodes: [], onKinds: ['exit-code', 'timeout', 'invalid', 'spawn'] });
    expect(w.tasks[1]).toMatchObject({ estimate: 60, estimateSource: 'default', priority: 'medium', if: 'success' });
    expect(w.name).toBe('workflow');
    expect(w.telemetry.heartbeat).toBe(10);
  });

  it('caps retry delays at maxDelay as written, and at the default 1m only when the delay written is shorter', () => {
    const w = load(`version: 1
agents:
  slow: { command: x, retry: { delay: 2m } }
  capped: { command: x, retry: { delay: 2m, maxDelay: 30s } }
tasks:
  plain: { run: x, retry: { maxAttempts: 2 } }
  long: { run: x, retry: { backoff: fixed, delay: 5m } }
  of-slow: { agent: slow }
  of-capped: { agent: capped }
  of-capped-longer: { agent: capped, retry: { delay: 1m } }
  own-cap: { agent: slow, retry: { maxDelay: 10s } }
`).workflow!;
    const caps = Object.fromEntries(w.tasks.map((t) => [t.id, [t.retry.delay, t.retry.maxDelay]]));
    expect(caps).toEqual({ plain: [1, 60], long: [300, 300], 'of-slow': [120, 120], 'of-capped': [120, 30], 'of-capped-longer': [60, 30], 'own-cap': [120, 10] });
    // A cap in the policy is written: the tasks under it keep it, whatever their delay.
    const policy = load('version: 1\npolicy: { retry: { maxDelay: 20s } }\ntasks:\n  a: { run: x, retry: { delay: 1m } }\n', { policy: { retry: { delay: '3m' } } }).workflow!;
    expect([policy.tasks[0]!.retry.delay, policy.tasks[0]!.retry.maxDelay, policy.policy.retry.maxDelay]).toEqual([60, 20, 20]);
  });

  it('warns of a task\'s retry block that leaves maxAttempts at 1, so it is never retried', () => {
    const yaml = `version: 1
agents: { w: { command: x, retry: { maxAttempts: 3 } } }
tasks:
  once: { run: x, retry: { delay: 5s, backoff: fixed } }
  set: { run: x, retry: { maxAttempts: 2, delay: 5s } }
  of-agent: { agent: w, retry: { onExitCodes: [75] } }
  one-on-purpose: { run: x, retry: { maxAttempts: 1 } }
  empty: { run: x, retry: {} }
`;
    expect(codes(yaml)).toEqual(['retry-without-attempts@4:19']);
    expect(load(yaml).diagnostics[0]!.message).toBe('task "once" sets `retry` (delay, backoff) but makes 1 attempt: maxAttempts is 1 unless set, so it is never retried; set maxAttempts, the attempts in all (3: the first and 2 retries)');
    // The policy's maxAttempts is above it: nothing to say.
    expect(codes('version: 1\npolicy: { retry: { maxAttempts: 2 } }\ntasks:\n  a: { run: x, retry: { delay: 5s } }\n')).toEqual([]);
  });

  it('expands a matrix, substitutes matrix values and expands needs of the matrix task', () => {
    const w = load(`version: 1
tasks:
  review:
    matrix: { file: [a.ts, b.ts], mode: [fast, full] }
    run: "review \${{ matrix.file }} --\${{ matrix.mode }} \${{ params.level }}"
    params: { level: 3 }
    artifacts: ["out/\${{ matrix.file }}.\${{ matrix.mode }}.md"]
  audit:
    needs: [review]
    run: audit
  one:
    needs: ["review[a.ts,fast]"]
    run: one
`).workflow!;
    expect(w.tasks.map((t) => t.id)).toEqual(['review[a.ts,fast]', 'review[a.ts,full]', 'review[b.ts,fast]', 'review[b.ts,full]', 'audit', 'one']);
    expect(w.tasks[1]!.command).toBe('review a.ts --full 3');
    expect(w.tasks[3]!.artifacts).toEqual(['out/b.ts.full.md']);
    expect(w.tasks[4]!.needs).toHaveLength(4);
    expect(w.tasks[5]!.needs).toEqual(['review[a.ts,fast]']);
  });

  it('refuses timeouts of 0, where a delay of 0 is fine', () => {
    const d = load('version: 1\npolicy: { timeout: 0s, retry: { delay: 0 } }\nagents: { w: { command: x, timeout: 0 } }\ntasks:\n  a: { run: x, timeout: "0ms" }\n  b: { agent: w }\n').diagnostics;
    expect(d.filter((x) => x.severity === 'error').map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['bad-duration@2:20', 'bad-duration@3:37', 'bad-duration@5:25']);
    expect(d[0]!.message).toBe('policy.timeout must be greater than 0: a timeout of 0 would end the run at once');
  });

  it('escapes control characters of matrix values in ids, and keeps the values as they are', () => {
    const w = load('version: 1\ntasks:\n  a:\n    matrix: { f: ["x\\ny", "\\u001b[31mred", "tab\\there"] }\n    run: "echo ${{ matrix.f }}"\n').workflow!;
    expect(w.tasks.map((t) => t.id)).toEqual(['a[x\\ny]', 'a[\\u001b[31mred]', 'a[tab\\there]']);
    expect(w.tasks[0]!.command).toBe('echo x\ny');
    expect(w.tasks[1]!.command).toBe('echo \u001b[31mred');
  });

  it('resolves cwd against the workflow directory and keeps output templates for run time', () => {
    const w = load('version: 1\ntasks:\n  a: { run: x, cwd: sub }\n  b: { needs: a, run: "echo ${{ tasks.a.outputs.k }}" }\n').workflow!;
    expect(w.tasks[0]!.cwd).toBe('/project/sub');
    expect(w.tasks[1]!.command).toBe('echo ${{ tasks.a.outputs.k }}');
  });

  it('reports run-and-agent, unknown agents and prompts without agents', () => {
    expect(codes('version: 1\nagents: { w: { command: x } }\ntasks:\n  a: { run: x, agent: w }\n  b: { description: nothing }\n  c: { agent: wx }\n  d: { run: x, prompt: hi }\n'))
      .toEqual(['run-and-agent@4:3', 'run-and-agent@5:3', 'unknown-agent@6:15', 'prompt-without-agent@7:16']);
    expect(load('version: 1\nagents: { writer: { command: x } }\ntasks:\n  c: { agent: writr }\n').diagnostics[0]!.message).toContain('did you mean "writer"');
  });

  it('uses agents from the config file', () => {
    expect(codes('version: 1\ntasks:\n  a: { agent: shared }\n', { agents: { shared: { command: 'x' } } })).toEqual([]);
    // What every object inherits is not an agent or a resource.
    expect(codes('version: 1\ntasks:\n  a: { agent: toString, prompt: hi }\n  b: { run: x, resources: { constructor: 1 } }\n')).toEqual(['unknown-agent@3:15', 'unknown-resource@4:29']);
  });

  it('reports unknown resources and amounts over capacity', () => {
    expect(codes('version: 1\nresources: { gpu: 1 }\ntasks:\n  a: { run: x, resources: { gpu: 2 } }\n  b: { run: x, resources: { gpus: 1 } }\n'))
      .toEqual(['resource-over-capacity@4:34', 'unknown-resource@5:29']);
  });

  it('reports a task that costs more than the whole budget, by its own cost or its agent\'s', () => {
    const yaml = 'version: 1\npolicy: { costBudget: 2 }\nagents: { llm: { command: x, cost: 3 } }\ntasks:\n  a: { run: x, cost: 2 }\n  b: { run: x, cost: 2.5 }\n  c: { agent: llm, prompt: hi }\n  d: { agent: llm, prompt: hi, cost: 1 }\n';
    expect(codes(yaml)).toEqual(['cost-over-budget@6:22', 'cost-over-budget@7:15']);
    const [own, agents] = load(yaml).diagnostics;
    expect(own!.message).toBe('task "b" costs 2.5 but the cost budget is 2: it will never start (skipped for the budget), and a run that skips work for the budget fails');
    expect(own!.severity).toBe('warning');
    expect(agents!.message).toBe('task "c" costs 3 (the cost of its agent "llm") but the cost budget is 2: it will never start (skipped for the budget), and a run that skips work for the budget fails');
    // The budget of the config file counts too; without a budget any cost goes.
    expect(codes('version: 1\ntasks:\n  a: { run: x, cost: 5 }\n', { policy: { costBudget: 4 } })).toEqual(['cost-over-budget@3:22']);
    expect(codes('version: 1\ntasks:\n  a: { run: x, cost: 500 }\n')).toEqual([]);
  });

  it('warns of an if: failure task without needs, which never runs', () => {
    const yaml = 'version: 1\ntasks:\n  a: { run: x }\n  rollback: { run: x, if: failure }\n  alert: { run: x, if: failure, needs: a }\n  report: { run: x, if: always }\n  fan: { run: x, if: failure, matrix: { n: [1, 2] } }\n';
    expect(codes(yaml)).toEqual(['failure-without-needs@4:27', 'failure-without-needs@7:22']);
    expect(load(yaml).diagnostics[0]!.message).toBe('task "rollback" has `if: failure` but no `needs`: it runs only when one of its needs fails, so it never runs; give it the tasks whose failure it handles as needs');
  });

  it('reports unknown needs with a suggestion, and self needs', () => {
    const d = load('version: 1\ntasks:\n  build: { run: x }\n  test: { run: x, needs: [biuld] }\n  self: { run: x, needs: self }\n').diagnostics;
    expect(d.map((x) => `${x.code}@${x.position?.line}:${x.position?.column}`)).toEqual(['unknown-need@4:27', 'self-need@5:26']);
    expect(d[0]!.message).toContain('did you mean "build"');
    // Several needs written as one string, as a comma list or words.
    expect(load('version: 1\ntasks:\n  build: { run: x }\n  lint: { run: x }\n  test: { run: x, needs: "build, lint" }\n').diagnostics.map((x) => x.message)).toEqual([
      'task "test" needs "build, lint", which is not a task: several needs are a list (needs: [build, lint])',
    ]);
  });

  it('refuses a matrix that expands too far', () => {
    const values = `[${Array.from({ length: 101 }, (_, i) => i).join(',')}]`;
    expect(codes(`version: 1\ntasks:\n  m:\n    run: x\n    matrix: { a: ${values}, b: ${values} }\n`)).toEqual(['matrix-too-large@5:13']);
  });

  it('checks a matrix exclude names the matrix keys and leaves something to run; a key include adds renders empty where absent', () => {
    expect(codes('version: 1\ntasks:\n  m:\n    run: x\n    matrix:\n      os: [a, b]\n      exclude: [{ oss: a }]\n')).toEqual(['unknown-matrix-key@7:19']);
    expect(codes('version: 1\ntasks:\n  m:\n    run: x\n    matrix:\n      os: [a, b]\n      exclude: [{ os: a }, { os: b }]\n')).toEqual(['empty-matrix@6:7']);
    expect(load('version: 1\ntasks:\n  m:\n    run: x\n    matrix: { include: [] }\n').diagnostics.map((d) => d.message)).toEqual(['task "m": the matrix has no value lists and no `include` entries: nothing to run']);
    expect(codes('version: 1\ntasks:\n  m:\n    run: "echo ${{ matrix.include }}"\n    matrix: { os: [a], include: [{ os: a, x: 1 }] }\n')).toEqual(['unknown-reference@4:16']);
    const w = load('version: 1\ntasks:\n  m:\n    run: "test ${{ matrix.os }} -${{ matrix.cover }}-"\n    matrix:\n      os: [linux, mac]\n      include: [{ os: linux, cover: true }]\n').workflow!;
    expect(w.tasks.map((t) => [t.id, t.command])).toEqual([['m[linux,true]', 'test linux -true-'], ['m[mac]', 'test mac --']]);
  });

  it('takes a task\'s shell from the task, its agent, the workflow, or sh -c; only another shell changes the definition hash', () => {
    const w = load(`version: 1
shell: bash -euo pipefail -c
agents:
  py: { command: main.py, shell: python3 -c }
  plain: { command: x }
tasks:
  a: { run: x }
  b: { run: x, shell: " zsh   -c " }
  c: { agent: py }
  d: { agent: plain }
`).workflow!;
    expect(w.tasks.map((t) => [t.id, t.shell])).toEqual([
      ['a', ['bash', '-euo', 'pipefail', '-c']], ['b', ['zsh', '-c']], ['c', ['python3', '-c']], ['d', ['bash', '-euo', 'pipefail', '-c']],
    ]);
    const hash = (text: string) => definitionHashes(load(text).workflow!).get('a');
    const plain = hash('version: 1\ntasks:\n  a: { run: x }\n');
    expect(load('version: 1\ntasks:\n  a: { run: x }\n').workflow!.tasks[0]!.shell).toEqual(['sh', '-c']);
    expect(hash('version: 1\nshell: sh -c\ntasks:\n  a: { run: x }\n')).toBe(plain);
    expect(hash('version: 1\nshell: bash -c\ntasks:\n  a: { run: x }\n')).not.toBe(plain);
  });

  it('reports matrix values that print the same id', () => {
    expect(codes('version: 1\ntasks:\n  m:\n    run: x\n    matrix: { a: [1, "1"] }\n')).toEqual(['duplicate-task-id@5:13']);
  });
});
