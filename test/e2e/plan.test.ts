import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, cli, examplesProject, ROOT, tempProject } from '../helpers/cli.js';

const planSchema = JSON.parse(readFileSync(join(ROOT, 'schemas/plan.schema.json'), 'utf8'));
const validatePlan = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(planSchema);
/** Graphviz's `dot` (Debian's graphviz, installed by .ci/run); the test that draws with it says so when it is missing. */
const DOT = ['/usr/bin/dot', '/usr/local/bin/dot'].find((p) => existsSync(p));

// A copy of workflows/: no history of this checkout reaches the estimates.
const examples = examplesProject();

describe('orchestrate plan', () => {
  for (const example of ['hello', 'feature-caching-layer', 'ci-pipeline', 'matrix-fanout']) {
    it(`plans workflows/${example}.yaml as JSON that matches schemas/plan.schema.json`, () => {
      const r = cli(['plan', `workflows/${example}.yaml`, '--json'], { cwd: examples });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout);
      expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
      expect(plan.estimate.wall).toBeGreaterThan(0);
      expect(plan.estimate.wall).toBeGreaterThanOrEqual(plan.estimate.lowerBound);
      expect(plan.estimate.levelBatched).toBeGreaterThanOrEqual(plan.estimate.wall);
      for (const task of plan.tasks) {
        for (const need of task.needs) expect(task.start).toBeGreaterThanOrEqual(plan.tasks.find((t: any) => t.id === need).end);
        // Its wait: from when its last need ends to its start.
        const ready = Math.max(0, ...task.needs.map((need: string) => plan.tasks.find((t: any) => t.id === need).end));
        expect(task.wait).toBeCloseTo(task.start - ready, 2);
      }
      // Every wait counts for one limit.
      const waited = plan.tasks.reduce((sum: number, t: any) => sum + t.wait, 0);
      expect(plan.waits.reduce((sum: number, w: any) => sum + w.seconds, 0)).toBeCloseTo(waited, 2);
    });
  }

  it('names the limits that hold ready tasks back, with how long, most first', () => {
    const dir = tempProject({
      'w.yaml': `version: 1
policy: { maxConcurrency: 3 }
resources: { gpu: 1 }
agents:
  claude: { command: cat, concurrency: 1 }
  api: { command: cat, rateLimit: { requests: 2, per: 10s } }
tasks:
${['a', 'b', 'c', 'd'].map((id) => `  ${id}: { run: "true", estimate: 10s }`).join('\n')}
  g1: { run: "true", estimate: 5s, resources: { gpu: 1 } }
  g2: { run: "true", estimate: 5s, resources: { gpu: 1 } }
  x1: { agent: claude, prompt: hi, estimate: 4s }
  x2: { agent: claude, prompt: hi, estimate: 4s }
${['r1', 'r2', 'r3'].map((id) => `  ${id}: { agent: api, prompt: hi, estimate: 1s }`).join('\n')}
`,
      'agents.yaml': `version: 1
tasks:
${['x1', 'x2', 'x3'].map((id) => `  ${id}: { agent: claude, prompt: hi, estimate: 4s }`).join('\n')}
  test: { run: "true", estimate: 3s, matrix: { shard: [1, 2, 3] }, maxParallel: 2 }
agents:
  claude: { command: cat, concurrency: 1 }
`,
      'free.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a }\n',
    });
    // By hand: a, b and c take the three slots for 10s; d, g1 and x1 then; x2 when x1 ends (14s), g2 when g1
    // frees the gpu (15s), r1 and r2 as slots free (18s, 19s); r3 at 20s finds two starts of api in its
    // window and waits for 28s.
    const r = cli(['plan', 'w.yaml', '--json'], { cwd: dir });
    const plan = JSON.parse(r.stdout);
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(plan.estimate.wall).toBe(29);
    expect(Object.fromEntries(plan.tasks.map((t: any) => [t.id, t.wait]))).toEqual({ a: 0, b: 0, c: 0, d: 10, g1: 10, g2: 15, x1: 10, x2: 14, r1: 18, r2: 19, r3: 28 });
    expect(plan.waits).toEqual([
      { limit: 'concurrency', name: null, capacity: 3, tasks: 8, seconds: 111, longest: { task: 'r3', seconds: 20 } },
      { limit: 'rate', name: 'api', capacity: 2, per: 10, tasks: 1, seconds: 8, longest: { task: 'r3', seconds: 8 } },
      { limit: 'resource', name: 'gpu', capacity: 1, tasks: 1, seconds: 5, longest: { task: 'g2', seconds: 5 } },
    ]);
    const text = cli(['plan', 'w.yaml'], { cwd: dir }).stdout;
    expect(text).toContain('Waits (ready tasks held back by a limit in the schedule above)\n'
      + '  concurrency 3                8 tasks wait 1m51s in all, longest r3 20s\n'
      + '  agent api: 2 starts per 10s  1 task waits 8s (r3)\n'
      + '  resource gpu: capacity 1     1 task waits 5s (g2)\n');

    // One agent at a time, and two shards of three: under the default concurrency nothing else waits.
    const agents = JSON.parse(cli(['plan', 'agents.yaml', '--json', '--concurrency', '8'], { cwd: dir }).stdout);
    expect(agents.waits).toEqual([
      { limit: 'agent', name: 'claude', capacity: 1, tasks: 2, seconds: 12, longest: { task: 'x3', seconds: 8 } },
      { limit: 'maxParallel', name: 'test', capacity: 2, tasks: 1, seconds: 3, longest: { task: 'test[3]', seconds: 3 } },
    ]);
    expect(cli(['plan', 'agents.yaml', '--concurrency', '8'], { cwd: dir }).stdout).toContain('  agent claude: concurrency 1  2 tasks wait 12s in all, longest x3 8s\n  test: maxParallel 2          1 task waits 3s (test[3])\n');
    // A chain waits for nothing: no section.
    const free = cli(['plan', 'free.yaml'], { cwd: dir });
    expect(free.stdout).not.toContain('Waits');
    expect(JSON.parse(cli(['plan', 'free.yaml', '--json'], { cwd: dir }).stdout).waits).toEqual([]);
  });

  it('counts no time for tasks that run only on failure: a plan assumes every task succeeds', () => {
    const r = cli(['plan', 'workflows/failure-handling.yaml', '--json'], { cwd: examples });
    const plan = JSON.parse(r.stdout);
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(plan.tasks.find((t: any) => t.id === 'rollback')).toMatchObject({ estimateSource: 'on-failure', estimate: 0 });
    expect(plan.criticalPath.tasks).toEqual(['deploy', 'smoke-test', 'notify']);
    expect(plan.estimate.wall).toBe(0.35);
    expect(cli(['plan', 'workflows/failure-handling.yaml'], { cwd: examples }).stdout).toContain('Only on failure: 1 task (not counted: the plan assumes every task succeeds): rollback');
    // What needs an if: failure task (if: success) is not counted either; an if: always task is.
    const dir = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: x, estimate: 1 }\n  fix: { run: x, needs: a, if: failure, estimate: 5 }\n  after-fix: { run: x, needs: fix, estimate: 5 }\n  report: { run: x, needs: fix, if: always, estimate: 2 }\n' });
    const p = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(Object.fromEntries(p.tasks.map((t: any) => [t.id, t.estimateSource]))).toEqual({ a: 'declared', fix: 'on-failure', 'after-fix': 'on-failure', report: 'declared' });
    expect(p.estimate.wall).toBe(3);
  });

  it('plans a task without an estimate at most at its timeout, and lints an estimate longer than its timeout', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  probe: { run: x, timeout: 3s }\n  build: { run: x, needs: probe, estimate: 1m, timeout: 30s }\n' });
    const p = JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: dir }).stdout);
    expect(p.tasks.map((t: any) => [t.id, t.estimate, t.estimateSource])).toEqual([['probe', 3, 'default'], ['build', 60, 'declared']]);
    expect(p.estimate.wall).toBe(63);
    const lint = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('w.yaml:4:44  warning  task "build" is estimated at 1m00s but its timeout is 30s: if the estimate holds, every attempt is stopped at its timeout and fails; raise the timeout or lower the estimate  [estimate-over-timeout]');
    expect(cli(['lint', 'w.yaml', '--max-warnings', '0'], { cwd: dir }).code).toBe(1);
  });

  it('says when the planned run goes past the workflow timeout, and takes --timeout as run does', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\npolicy: { maxConcurrency: 1, timeout: 20s }\ntasks:\n  a: { run: x, estimate: 15s }\n  b: { run: x, estimate: 15s }\n' });
    const text = cli(['plan', 'w.yaml'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  workflow timeout              20s   the planned run goes past it (see the warning below)\n');
    expect(text.stdout).toContain('warning: the planned wall time 30s is past the workflow timeout of 20s: the run would be stopped then, and fail, with 1 task not done (b)');
    const longer = JSON.parse(cli(['plan', 'w.yaml', '--json', '--timeout', '1m'], { cwd: dir }).stdout);
    expect(validatePlan(longer), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(longer.deadline).toEqual({ limit: 60, fits: true, late: [] });
    expect(longer.warnings).toEqual([]);
    const dry = JSON.parse(cli(['run', 'w.yaml', '--dry-run', '--json', '--timeout', '16s'], { cwd: dir }).stdout);
    expect(dry.deadline).toEqual({ limit: 16, fits: false, late: ['b'] });
    expect(cli(['plan', 'w.yaml', '--timeout', '0'], { cwd: dir }).stderr).toContain('--timeout must be a duration above 0');
  });

  it('takes --budget over policy.costBudget as run does ("would it fit in 5?")', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\npolicy: { costBudget: 10 }\ntasks:\n  a: { run: x, cost: 2 }\n  b: { run: x, cost: 2 }\n' });
    expect(JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: dir }).stdout).budget).toEqual({ limit: 10, fits: true });
    const tight = JSON.parse(cli(['plan', 'w.yaml', '--json', '--budget', '3.5'], { cwd: dir }).stdout);
    expect(validatePlan(tight), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(tight.budget).toEqual({ limit: 3.5, fits: false });
    expect(tight.warnings).toEqual(['estimated cost 4 exceeds the budget of 3.5: some tasks would be skipped']);
    expect(JSON.parse(cli(['run', 'w.yaml', '--dry-run', '--json', '--budget', '4'], { cwd: dir }).stdout).budget).toEqual({ limit: 4, fits: true });
    for (const bad of ['0', '-1', 'abc', '', '2e15', 'Infinity']) {
      const r = cli(['plan', 'w.yaml', '--budget', bad], { cwd: dir });
      expect([bad, r.code, r.stderr]).toEqual([bad, 2, `orchestrate: option '--budget <amount>' argument '${bad}' is invalid. --budget must be a number above 0 such as 2.5, at most 1e15, got "${bad}". (see orchestrate plan --help)\n`]);
    }
  });

  it('is checked against the deadline when a run starts, from estimates written or measured, not the default\'s guesses', () => {
    const dir = tempProject({
      'package.json': '{}',
      'w.yaml': 'version: 1\npolicy: { timeout: 1s }\ntasks:\n  a: { run: sleep 0.1, estimate: 2s }\n  b: { run: "true", needs: a, estimate: 1s }\n',
      'guessed.yaml': 'version: 1\npolicy: { timeout: 1s }\ntasks:\n  a: { run: "true" }\n',
    });
    const first = cli(['run', 'w.yaml', '--renderer', 'simple'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('orchestrate: warning: the planned wall time 3s is past the workflow timeout of 1s: the run would be stopped then, and fail, with 2 tasks not done (a, b)\n');
    // Its history now says the tasks are quick: the next plan fits, and the run says nothing.
    expect(cli(['run', 'w.yaml', '--renderer', 'simple'], { cwd: dir }).stderr).not.toContain('warning');
    // A plan of default estimates (10 s a task) past the deadline is a guess: plan says so, the run does not.
    expect(cli(['plan', 'guessed.yaml'], { cwd: dir }).stdout).toContain('is past the workflow timeout of 1s');
    expect(cli(['run', 'guessed.yaml', '--renderer', 'simple'], { cwd: dir }).stderr).not.toContain('warning');
  });

  it('shows what each task runs with --commands: templates filled as loaded, outputs left, prompts, masked', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
inputs: { target: { default: staging } }
secrets: [DEPLOY_KEY]
agents: { writer: { command: ./write.sh, shell: bash -c } }
tasks:
  find: { run: "echo files=[1] >> $ORCHESTRATE_OUTPUT", estimate: 1 }
  build: { matrix: { os: [linux, mac] }, run: "make OS=\${{ matrix.os }} TARGET=\${{ inputs.target }} KEY=$DEPLOY_KEY s3cr3t-k3y", estimate: 2 }
  docs: { agent: writer, prompt: "Docs for \${{ inputs.target }}\\nline 2\\nline 3\\nline 4", needs: find, estimate: 3 }
  use: { run: "echo \${{ tasks.find.outputs.files }}", needs: find, estimate: 1 }
`,
    });
    const env = { DEPLOY_KEY: 's3cr3t-k3y' };
    const json = JSON.parse(cli(['plan', 'workflow.yaml', '--json', '--commands', '-i', 'target=prod'], { cwd: dir, env }).stdout);
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(Object.fromEntries(json.tasks.map((t: any) => [t.id, [t.command, t.shell ?? null, t.prompt ?? null]]))).toEqual({
      find: ['echo files=[1] >> $ORCHESTRATE_OUTPUT', null, null],
      'build[linux]': ['make OS=linux TARGET=prod KEY=$DEPLOY_KEY ***', null, null],
      'build[mac]': ['make OS=mac TARGET=prod KEY=$DEPLOY_KEY ***', null, null],
      docs: ['./write.sh', ['bash', '-c'], 'Docs for prod\nline 2\nline 3\nline 4'],
      use: ['echo ${{ tasks.find.outputs.files }}', null, null],
    });
    // Two slots: find and build[linux] first; docs (the longest path) takes find's slot before build[mac].
    const text = cli(['plan', 'workflow.yaml', '--commands', '-n', '2'], { cwd: dir, env }).stdout;
    expect(text.slice(text.indexOf('Commands'))).toBe(`Commands (in planned start order; outputs of other tasks are filled when the task starts)
  find
    echo files=[1] >> $ORCHESTRATE_OUTPUT
  build[linux]
    make OS=linux TARGET=staging KEY=$DEPLOY_KEY ***
  docs (agent writer; bash -c)
    ./write.sh
    prompt: Docs for staging
            line 2
            line 3
            ... 1 more line
  build[mac]
    make OS=mac TARGET=staging KEY=$DEPLOY_KEY ***
  use
    echo \${{ tasks.find.outputs.files }}
`);
    // run --dry-run is the plan: it takes --commands too.
    expect(cli(['run', 'workflow.yaml', '--dry-run', '--commands', '-n', '2'], { cwd: dir, env }).stdout).toBe(text);
    // Without the flag, neither shows.
    expect(JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout).tasks[0].command).toBeUndefined();
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).not.toContain('Commands');
  });

  it('plans the agents scenario as computed by hand', () => {
    const plan = JSON.parse(cli(['plan', 'workflows/feature-caching-layer.yaml', '--json'], { cwd: examples }).stdout);
    expect(plan.workflow).toBe('feature-caching-layer');
    expect(plan.concurrency).toBe(4);
    expect(plan.batches).toEqual([['spec', 'check-prs'], ['implement'], ['review[src/cache.ts]', 'review[src/store.ts]'], ['audit'], ['notify']]);
    expect(plan.criticalPath).toEqual({ tasks: ['spec', 'implement', 'review[src/cache.ts]', 'audit', 'notify'], duration: 4.7 });
    expect(plan.estimate).toEqual({ serial: 6.7, wall: 4.7, speedup: 1.426, lowerBound: 4.7, levelBatched: 4.7, cost: 2 });
    expect(plan.tasks.find((t: any) => t.id === 'spec')).toMatchObject({ agent: 'architect', estimate: 1, estimateSource: 'agent', batch: 0, start: 0, end: 1, critical: true });
  });

  it('prints a readable report with batches, a Gantt within 100 columns and the speedup', () => {
    const r = cli(['plan', 'workflows/ci-pipeline.yaml'], { cwd: examples });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Plan: ci-pipeline');
    expect(r.stdout).toMatch(/Batches/);
    expect(r.stdout).toMatch(/typecheck\*\s+█+/);
    expect(r.stdout).toMatch(/Critical path \(1\.15s\): install -> typecheck -> build -> package -> cleanup/);
    expect(r.stdout).toMatch(/speedup \d+\.\d\dx/);
    for (const line of r.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    // The Gantt's column of a plan of short tasks is written in ms, not rounded to 0s.
    const short = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true", estimate: 20ms }\n' });
    expect(cli(['plan', 'w.yaml'], { cwd: short }).stdout).toContain('one column = 0.22ms)');
  });

  it('fits the Gantt to a terminal narrower than 100 columns', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  build: { run: "true", estimate: 2 }\n  test: { run: "true", estimate: 3, needs: build }\n' });
    writeFileSync(join(dir, 'plan.sh'), `${process.execPath} ${BIN} plan w.yaml\n`);
    const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
    delete env.CI;
    const shown = spawnSync('script', ['-qec', 'stty cols 50 rows 40; sh plan.sh', '/dev/null'], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
    expect(shown.status, shown.stderr).toBe(0);
    const schedule = shown.stdout.split(/\r?\n/).filter((line) => /^ {2}(build|test)\*?\s/.test(line) && /[█▒]/.test(line));
    expect(schedule).toHaveLength(2);
    for (const line of schedule) expect([...line].length).toBeLessThanOrEqual(50);
    // test's bar ends at the last column the terminal has.
    expect(Math.max(...schedule.map((line) => [...line].length))).toBe(50);
  });

  it('cuts a long id in the Gantt in its middle: expansions that start alike differ, the critical path keeps its star', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  lint: { run: "true", estimate: 1, matrix: { path: [src/components/checkout/cart.ts, src/components/checkout/payment.ts] } }\n  slow: { run: "true", estimate: 3, needs: lint }\n' });
    const r = cli(['plan', 'w.yaml', '-n', '1'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((line) => /^ {2}lint\[/.test(line) && /[█▒]/.test(line));
    expect(rows).toHaveLength(2);
    const labels = rows.map((line) => line.slice(2, 32));
    for (const label of labels) expect(label).toMatch(/^lint\[src\/comp.*….*\.ts\]\*? *$/);
    expect(labels[0]).not.toBe(labels[1]);
    expect(labels.filter((l) => l.trimEnd().endsWith('.ts]*'))).toHaveLength(1);
    // The bars start in one column whatever the cut.
    expect(new Set(rows.map((line) => [...line].findIndex((ch) => ch === '█' || ch === '▒'))).size).toBeLessThanOrEqual(2);
    expect(rows.every((line) => [...line][32] === ' ')).toBe(true);
  });

  it('shows commands, prompts and input choices with their terminal escapes written out, tabs kept', () => {
    const dir = tempProject({
      'w.yaml': [
        'version: 1',
        'inputs:',
        '  who: { default: b, enum: ["x\\e[2Jy", b] }',
        'agents:',
        '  llm: { command: cat }',
        'tasks:',
        '  a: { run: "printf \\"\\\\e[31m\\" # \\e]0;title\\a\\n\\techo indented" }',
        '  b: { agent: llm, prompt: "say \\e[8mhidden" }',
        '',
      ].join('\n'),
    });
    const plan = cli(['plan', 'w.yaml', '--commands'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('    printf "\\e[31m" # \\u001b]0;title\\u0007\n    \techo indented\n');
    expect(plan.stdout).toContain('    prompt: say \\u001b[8mhidden');
    const list = cli(['list', 'w.yaml'], { cwd: dir });
    expect(list.stdout).toContain('x\\u001b[2Jy | b');
    for (const out of [plan.stdout, list.stdout]) expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('answers "what if I had more slots?" with --concurrency', () => {
    const dir = tempProject({ 'w.yaml': `version: 1\npolicy: { maxConcurrency: 1 }\ntasks:\n${Array.from({ length: 8 }, (_, i) => `  t${i}: { run: "sleep 1", estimate: 1s }\n`).join('')}` });
    const one = JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: dir }).stdout);
    const four = JSON.parse(cli(['plan', 'w.yaml', '--json', '--concurrency', '4'], { cwd: dir }).stdout);
    expect(one.estimate.wall).toBe(8);
    expect(four).toMatchObject({ concurrency: 4, estimate: { wall: 2, speedup: 4 } });
    expect(cli(['plan', 'w.yaml', '--concurrency', '0'], { cwd: dir }).code).toBe(2);
  });

  it('takes a share of the CPUs as a limit, in the workflow and with --concurrency, as Turborepo does', () => {
    const cpus = availableParallelism();
    const tasks = Array.from({ length: 8 }, (_, i) => `  t${i}: { run: "true", estimate: 1s }\n`).join('');
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': `version: 1\npolicy: { maxConcurrency: "200%" }\nagents:\n  a: { command: cat, concurrency: 64 }\ntasks:\n${tasks}` });
    expect(JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: dir }).stdout).concurrency).toBe(2 * cpus);
    expect(JSON.parse(cli(['plan', 'w.yaml', '--json', '-n', '50%'], { cwd: dir }).stdout).concurrency).toBe(Math.max(1, Math.floor(cpus / 2)));
    // The run reads it the same way.
    const run = JSON.parse(cli(['run', 'w.yaml', '--json', '-n', '1%'], { cwd: dir }).stdout);
    expect(run.status).toBe('succeeded');
    const events = readFileSync(join(run.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'workflow.started', concurrency: 1 });
    // An agent above a share is not warned about: the share differs between machines, as the default does.
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).not.toContain('concurrency-above-limit');
    const bad = cli(['plan', 'w.yaml', '-n', '0%'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--concurrency must be a whole number or a share of the CPUs such as 50%, got "0%".')]);
    const huge = cli(['plan', 'w.yaml', '-n', '99999999999999999999'], { cwd: dir });
    expect([huge.code, huge.stderr]).toEqual([2, "orchestrate: option '-n, --concurrency <n>' argument '99999999999999999999' is invalid. --concurrency must be at most 9007199254740991, got 99999999999999999999. (see orchestrate plan --help)\n"]);
  });

  it('summarises huge workflows instead of drawing every task', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'big.yaml'), `version: 1\ntasks:\n${Array.from({ length: 500 }, (_, i) => `  t${i}: { run: x, estimate: ${1 + (i % 7)}${i >= 10 ? `, needs: t${i - 10}` : ''} }\n`).join('')}`);
    const r = cli(['plan', 'big.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('more tasks (orchestrate plan --json has the full schedule)');
    expect(r.stdout.split('\n').length).toBeLessThan(150);
  });

  it('gives an invalid workflow exactly the lint diagnostics and exit 2', () => {
    const file = 'test/fixtures/lint/cycle/workflow.yaml';
    const lint = cli(['lint', file]);
    for (const command of ['plan', 'graph']) {
      const r = cli([command, file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(lint.stdout);
    }
    expect(cli(['plan', 'missing.yaml']).code).toBe(2);
  });
});

describe('orchestrate graph', () => {
  it('prints Mermaid with the critical path highlighted', () => {
    const r = cli(['graph', 'workflows/ci-pipeline.yaml'], { cwd: examples });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  t0 --> t2');
    expect(lines).toContain('  class t0,t2,t4,t5,t6 critical');
  });

  it('shows ids as written in Mermaid: quotes, <, >, & and # in matrix values are entity codes, not markup', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  b:\n    matrix: { v: [\'a"b\', "<b>bold</b>", "x&amp;y", "#quot;", "#9829;"] }\n    run: "true"\n' });
    const r = cli(['graph', 'w.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  t'))).toEqual([
      '  t0["b[a#34;b]<br/>10s"]',
      '  t1["b[#60;b#62;bold#60;/b#62;]<br/>10s"]',
      '  t2["b[x#38;amp;y]<br/>10s"]',
      '  t3["b[#35;quot;]<br/>10s"]',
      '  t4["b[#35;9829;]<br/>10s"]',
    ]);
  });

  it('draws the critical path from the file alone, the same after runs whose history moves plan\'s', () => {
    // Declared: a (3s) is the longer branch; as it runs, b takes longer, and plan follows the history.
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true", estimate: 3s }\n  b: { run: "sleep 0.3", estimate: 1s }\n' });
    const graph = () => JSON.parse(cli(['graph', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout);
    const before = graph();
    expect(before.criticalPath.tasks).toEqual(['a']);
    expect(cli(['run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    expect(JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: dir }).stdout).criticalPath.tasks).toEqual(['b']);
    expect(graph()).toEqual(before);
  });

  it('prints DOT for Graphviz', () => {
    const r = cli(['graph', 'workflows/ci-pipeline.yaml', '--format', 'dot'], { cwd: examples });
    expect(r.stdout).toMatch(/^digraph "ci-pipeline" \{/);
    expect(r.stdout).toContain('"install" -> "typecheck" [color="#d62728", penwidth=2];');
    expect(r.stdout).toContain('"install" -> "lint";');
  });

  it.skipIf(!DOT)('prints DOT that Graphviz draws as meant: two-line labels, quotes and backslashes as written, a cluster per include (needs Debian\'s graphviz package, installed by .ci/run)', () => {
    const dir = tempProject({
      'w.yaml': 'version: 1\ninclude: { docs: docs.yaml }\ntasks:\n  build: { run: "true", matrix: { os: [linux, \'we"ird\\q\'] }, estimate: 2s }\n  test: { run: "true", needs: build, estimate: 1s }\n  api: { run: "sleep 9", service: true, estimate: 4s }\n',
      'docs.yaml': 'version: 1\ntasks:\n  gen: { run: "true", estimate: 3s }\n',
    });
    const r = cli(['graph', 'w.yaml', '--format', 'dot'], { cwd: dir });
    expect(r.code).toBe(0);
    const drawn = spawnSync(DOT!, ['-Tsvg'], { input: r.stdout, encoding: 'utf8' });
    expect(drawn.stderr).toBe('');
    expect(drawn.status).toBe(0);
    const texts = [...drawn.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&quot;/g, '"'));
    // Each node's label is its id over its estimate, on two lines; the cluster is labelled with its namespace.
    expect(texts).toEqual(expect.arrayContaining(['docs', 'docs.gen', '3s', 'build[linux]', 'build[we"ird\\q]', '2s', 'test', '1s', 'api', '4s (service)']));
    expect(texts).toHaveLength(11);
    expect(drawn.stdout.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(2);
    expect(drawn.stdout.match(/<g id="clust\d+" class="cluster">/g)).toHaveLength(1);
  });

  it('prints JSON nodes and edges', () => {
    const g = JSON.parse(cli(['graph', 'workflows/matrix-fanout.yaml', '--format', 'json'], { cwd: examples }).stdout);
    // 3 x 2 test expansions, less the excluded one.
    expect(g.nodes).toHaveLength(7);
    expect(g.nodes.map((n: any) => n.id)).toContain('test[22,1,true]');
    expect(g.nodes.map((n: any) => n.id)).not.toContain('test[18,2]');
    expect(g.edges.filter((e: any) => e.to === 'report')).toHaveLength(5);
    expect(g.criticalPath.tasks[0]).toBe('prepare');
  });

  it('masks a secret that is a matrix value in plans, dry runs and graphs, as a run does', () => {
    const secret = 's3cr3t-matrix-value';
    const dir = tempProject({ 'workflow.yaml': `version: 1\nsecrets: [DEPLOY_KEY]\ntasks:\n  deploy: { run: "true", matrix: { target: [${secret}, public] }, estimate: 100 }\n  after: { run: "true", needs: deploy }\n` });
    const env = { DEPLOY_KEY: secret };
    const outputs = [['plan', 'workflow.yaml'], ['plan', 'workflow.yaml', '--json'], ['run', 'workflow.yaml', '--dry-run', '--json'], ['graph', 'workflow.yaml'], ['graph', 'workflow.yaml', '-f', 'json'], ['graph', 'workflow.yaml', '-f', 'dot']]
      .map((args) => cli(args, { cwd: dir, env }));
    for (const r of outputs) {
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(secret);
      expect(r.stdout).toContain('deploy[***]');
    }
    // JSON stays JSON, numbers untouched (a secret is masked in strings only), and fits the schema.
    const plan = JSON.parse(outputs[1]!.stdout);
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(plan.tasks.map((t: any) => t.id)).toEqual(['deploy[***]', 'deploy[public]', 'after']);
    expect(plan.estimate.serial).toBe(210);
    // Without the secret in the environment, the value is shown as written.
    expect(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout).toContain(secret);
  });
});
