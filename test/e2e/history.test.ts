import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { openSqlite } from '../helpers/sqlite.js';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { validator } from '../helpers/schemas.js';

const require = createRequire(import.meta.url);
const count = (dir: string, name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n').filter(Boolean).length : 0);
const pgrepSlow = (dir: string) => spawnSync('pgrep', ['-f', `slow.ran; sleep 30`], { cwd: dir }).status === 0;
const json = (dir: string, args: string[]) => JSON.parse(cli(args, { cwd: dir }).stdout);

function startRun(dir: string, args: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'silent', ...args], { cwd: dir, env: { ...process.env, ORCHESTRATE_SPAWNERS: '1' } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

// Each task appends to a marker file, so we can count how often it really ran.
const chain = `version: 1
tasks:
  one: { run: "echo x >> one.ran; echo v=1 >> $ORCHESTRATE_OUTPUT" }
  two: { run: "echo x >> two.ran", needs: one }
  slow: { run: "echo x >> slow.ran; sleep 30; echo done >> slow.done", needs: two }
  after: { run: "echo \${{ tasks.one.outputs.v }} >> after.ran", needs: slow }
`;

describe('run history', () => {
  it('records a run as it goes, in .orchestrate/state.db', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': chain });
    const run = startRun(dir);
    await waitFor(() => count(dir, 'slow.ran') === 1);
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    // A start is written within 100 ms.
    await waitFor(() => (db.prepare("SELECT count(*) AS n FROM attempts WHERE status = 'running'").get() as any).n === 1, 'the running attempt', 5_000);
    const runRow = db.prepare('SELECT status, workflow, concurrency FROM runs').get() as any;
    expect(runRow).toMatchObject({ status: null, workflow: 'workflow' });
    const attempts = db.prepare('SELECT task_id, status FROM attempts ORDER BY started_at').all();
    expect(attempts).toEqual([{ task_id: 'one', status: 'succeeded' }, { task_id: 'two', status: 'succeeded' }, { task_id: 'slow', status: 'running' }]);
    db.close();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
  });

  it('does not resume a run that is still running', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': chain });
    const run = startRun(dir);
    await waitFor(() => count(dir, 'slow.ran') === 1);
    const second = cli(['run', 'workflow.yaml', '--resume'], { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/^orchestrate: --resume: run \S+ is still running \(process \d+\); wait for it to end or stop it \(Ctrl-C\) first\n$/);
    expect(count(dir, 'one.ran')).toBe(1);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
  });

  for (const how of ['SIGINT', 'SIGKILL'] as const) {
    it(`resumes after ${how === 'SIGINT' ? 'Ctrl-C' : 'kill -9'} without running finished tasks again, with their outputs restored`, async () => {
      const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': chain });
      const run = startRun(dir);
      await waitFor(() => count(dir, 'slow.ran') === 1);
      run.child.kill(how);
      await run.exited;
      // Killed or interrupted, the runner takes its task processes with it.
      await waitFor(() => !pgrepSlow(dir));
      // Interrupted, it wrote its end; killed, it could not, and its runner is gone.
      expect(json(dir, ['history', '--json'])[0].status).toBe(how === 'SIGINT' ? 'cancelled' : 'unfinished');
      writeFileSync(join(dir, 'workflow.yaml'), chain.replace('sleep 30', 'sleep 0.1'));
      const resumed = cli(['run', 'workflow.yaml', '--resume', '--json'], { cwd: dir, env: { ORCHESTRATE_SPAWNERS: '1' } });
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = JSON.parse(resumed.stdout);
      expect(result.tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([
        ['one', 'succeeded', 'reused'], ['two', 'succeeded', 'reused'], ['slow', 'succeeded', null], ['after', 'succeeded', null],
      ]);
      expect([count(dir, 'one.ran'), count(dir, 'two.ran'), count(dir, 'slow.ran')]).toEqual([1, 1, 2]);
      expect(readFileSync(join(dir, 'after.ran'), 'utf8').trim()).toBe('1');
      expect(result.merged.summary).toContain('2 tasks reused');
    });
  }

  it('resumes a fan-out after kill -9 without running its finished expansions again', async () => {
    // review fans out over find's list; review[slow] waits for a file that appears only after the crash.
    const marker = `fanout-wait-${process.pid}-${Date.now()}`;
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  find: { run: "echo x >> find.ran; echo 'files=[\\"a\\", \\"b\\", \\"slow\\"]' >> $ORCHESTRATE_OUTPUT" }
  review:
    needs: find
    matrix: { f: "\${{ tasks.find.outputs.files }}" }
    run: |
      echo x >> \${{ matrix.f }}.ran
      test \${{ matrix.f }} != slow || until test -f go; do sleep 0.05; done # ${marker}
      echo "r=\${{ matrix.f }}" >> "$ORCHESTRATE_OUTPUT"
  report: { needs: review, run: "cat a.ran b.ran slow.ran | wc -l | tr -d ' ' > report.txt" }
`,
    });
    const run = startRun(dir);
    try {
      await waitFor(() => count(dir, 'slow.ran') === 1);
      const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
      await waitFor(() => (db.prepare("SELECT count(*) AS n FROM tasks WHERE status = 'succeeded' AND task_id IN ('review[a]', 'review[b]')").get() as any).n === 2);
      db.close();
    } finally {
      run.child.kill('SIGKILL');
    }
    await run.exited;
    await waitFor(() => spawnSync('pgrep', ['-f', marker]).status !== 0);
    writeFileSync(join(dir, 'go'), '');
    // A dry run of the resume says how many expansions will be reused.
    expect(cli(['run', 'workflow.yaml', '--resume', '--dry-run'], { cwd: dir }).stdout).toMatch(/^Resuming \S+: 1 task reused \(not run again, 0s\), 2 to run; when it expands, review reuses 2 expansions$/m);
    const dry = json(dir, ['run', 'workflow.yaml', '--resume', '--dry-run', '--json']);
    expect(validator('plan')(dry)).toBe(true);
    expect(dry.reusedExpansions).toEqual({ review: 2 });
    const resumed = cli(['run', 'workflow.yaml', '--resume', '--json'], { cwd: dir, env: { ORCHESTRATE_SPAWNERS: '1' } });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([
      ['find', 'succeeded', 'reused'], ['review', 'succeeded', null], ['report', 'succeeded', null],
      ['review[a]', 'succeeded', 'reused'], ['review[b]', 'succeeded', 'reused'], ['review[slow]', 'succeeded', null],
    ]);
    // Reused expansions keep the outputs they reported.
    expect(result.tasks.find((t: any) => t.id === 'review[b]').outputs).toEqual({ r: 'b' });
    expect([count(dir, 'find.ran'), count(dir, 'a.ran'), count(dir, 'b.ran'), count(dir, 'slow.ran')]).toEqual([1, 1, 1, 2]);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8').trim()).toBe('4');
    expect(result.merged.summary).toContain('3 tasks reused');
  });

  it('re-runs only what failed after a failed run, and a changed task with everything after it', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo x >> a.ran" }\n  b: { run: "echo x >> b.ran; test -f fixed", needs: a }\n  c: { run: "echo x >> c.ran" }\n  d: { run: "echo x >> d.ran", needs: c }\n',
    });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(1);
    writeFileSync(join(dir, 'fixed'), '');
    // A dry run of the resume shows what would be reused, and runs nothing.
    const dry = json(dir, ['run', 'workflow.yaml', '--resume', '--dry-run', '--json']);
    expect(validator('plan')(dry)).toBe(true);
    expect(dry.resumedFrom).toBe(json(dir, ['history', '--json'])[0].id);
    // b has only failed: it is planned at what its failure took.
    expect(dry.tasks.map((t: any) => [t.id, t.estimateSource])).toEqual([['a', 'reused'], ['b', 'failures'], ['c', 'reused'], ['d', 'reused']]);
    expect(dry.tasks.map((t: any) => t.estimate)).toEqual([0, expect.any(Number), 0, 0]);
    expect(dry.tasks[1].estimate).toBeLessThan(2);
    expect(cli(['run', 'workflow.yaml', '--resume', '--dry-run'], { cwd: dir }).stdout).toMatch(/^Resuming \S+: 3 tasks reused \(not run again, 0s\), 1 to run$/m);
    expect(['a', 'b', 'c', 'd'].map((t) => count(dir, `${t}.ran`))).toEqual([1, 1, 1, 1]);
    const first = json(dir, ['run', 'workflow.yaml', '--resume', '--json']);
    expect(first.status).toBe('succeeded');
    expect(['a', 'b', 'c', 'd'].map((t) => count(dir, `${t}.ran`))).toEqual([1, 2, 1, 1]);
    // A failed run again, then a changed definition of c: c and d (after it) run again, a is reused.
    writeFileSync(join(dir, 'workflow.yaml'), readFileSync(join(dir, 'workflow.yaml'), 'utf8').replace('test -f fixed', 'test -f fixed2').replace('c: { run: "echo x >> c.ran" }', 'c: { run: "echo x >> c.ran; true" }'));
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(1);
    writeFileSync(join(dir, 'fixed2'), '');
    const runs = json(dir, ['history', 'workflow.yaml', '--json']);
    const failedRun = runs[0].id;
    writeFileSync(join(dir, 'workflow.yaml'), readFileSync(join(dir, 'workflow.yaml'), 'utf8').replace('c.ran; true', 'c.ran; true; true'));
    const second = json(dir, ['run', 'workflow.yaml', '--resume', failedRun, '--json']);
    expect(second.tasks.map((t: any) => [t.id, t.reason ?? null])).toEqual([['a', 'reused'], ['b', null], ['c', null], ['d', null]]);
    expect(cli(['run', 'workflow.yaml', '--resume'], { cwd: dir }).stderr).toContain('nothing to resume');
  });

  it('calibrates estimates from history: after one run the plan predicts the next within 10%', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => `  t${i}: { run: "sleep ${(0.2 + (i % 4) * 0.15).toFixed(2)}", estimate: 5s${i >= 3 ? `, needs: [t${i - 3}]` : ''} }`).join('\n');
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\npolicy: { maxConcurrency: 3 }\ntasks:\n${tasks}\n` });
    const before = json(dir, ['plan', 'workflow.yaml', '--json']);
    expect(before.tasks[0].estimateSource).toBe('declared');
    cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir });
    const plan = json(dir, ['plan', 'workflow.yaml', '--json']);
    expect(plan.tasks.every((t: any) => t.estimateSource === 'history')).toBe(true);
    expect(plan.tasks[1].estimate).toBeGreaterThan(0.3);
    expect(plan.tasks[1].estimate).toBeLessThan(1);
    const next = json(dir, ['run', 'workflow.yaml', '--json']);
    const error = Math.abs(next.metrics.wallTime - plan.estimate.wall) / next.metrics.wallTime;
    expect(error, `planned ${plan.estimate.wall}, measured ${next.metrics.wallTime}`).toBeLessThan(0.1);
  });

  it('counts the retries a task needed in recent runs: the plan of a task that fails its first attempt predicts the next run', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  steady: { run: "sleep 0.5" }
  flaky: { run: 'if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then sleep 0.6; exit 1; fi; sleep 0.3', retry: { maxAttempts: 2, delay: 400ms } }
  after: { run: "true", needs: [steady, flaky] }
` });
    for (let i = 0; i < 2; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const plan = json(dir, ['plan', 'workflow.yaml', '--json']);
    const byId = Object.fromEntries(plan.tasks.map((t: any) => [t.id, t]));
    // Its failed attempt (0.6 s) and the backoff (0.4 s) come on top of the successful attempt's 0.3 s.
    expect(byId.flaky.estimate).toBeLessThan(0.6);
    expect(byId.flaky.retryTime).toBeGreaterThan(0.95);
    expect(byId.flaky.retryTime).toBeLessThan(5);
    expect(byId.flaky.end - byId.flaky.start).toBeCloseTo(byId.flaky.estimate + byId.flaky.retryTime, 2);
    expect(byId.steady.retryTime).toBeUndefined();
    expect(plan.criticalPath.tasks).toEqual(['flaky', 'after']);
    const text = cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout;
    expect(text).toMatch(/^Retries: 1 task needed retries in recent runs; the time they added, on average, is counted: flaky \+[\d.]+s$/m);
    expect(text).toMatch(/flaky\* \([\d.]+s \+ [\d.]+s retries, history\)/);
    // stats names the critical path as the plan has it: flaky (with its retries), not steady.
    const found = json(dir, ['stats', 'workflow.yaml', '--json']).bottlenecks.filter((f: any) => f.kind === 'critical-path');
    expect(found.map((f: any) => f.subject)).toEqual(['flaky']);
    expect(found[0].reason).toMatch(/^`flaky` is \d+% of the critical path \([\d.]+s of [\d.]+s, [\d.]+s of it retries\)$/);
    // Without them the plan would say the steady task's 0.5 s; the run takes ~1.3 s.
    const next = json(dir, ['run', 'workflow.yaml', '--json']);
    const error = Math.abs(next.metrics.wallTime - plan.estimate.wall) / next.metrics.wallTime;
    expect(error, `planned ${plan.estimate.wall}, measured ${next.metrics.wallTime}`).toBeLessThan(0.2);
  });

  it('plans a task at what it cost in history while its declared cost is unchanged: the plan, its budget check and the run\'s estimate', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
policy: { costBudget: 1 }
agents:
  llm: { command: 'echo cost=0.3 >> "$ORCHESTRATE_OUTPUT"', cost: 0.1 }
tasks:
  a: { agent: llm, prompt: one }
  b: { agent: llm, prompt: two }
  c: { run: "true", cost: 0.05 }
  d: { run: "true" }
` });
    const validatePlan = validator('plan');
    const before = json(dir, ['plan', 'workflow.yaml', '--json']);
    expect(before.tasks.map((t: any) => [t.id, t.cost, t.costSource])).toEqual([['a', 0.1, 'declared'], ['b', 0.1, 'declared'], ['c', 0.05, 'declared'], ['d', 0, 'declared']]);
    expect(before.estimate.cost).toBe(0.25);
    expect(json(dir, ['run', 'workflow.yaml', '--json']).metrics).toMatchObject({ costSpent: 0.65, costEstimate: 0.25 });
    // The answers reported 0.3 each: the next plan counts that, and its budget check with it.
    const after = json(dir, ['plan', 'workflow.yaml', '--json']);
    expect(validatePlan(after), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(after.tasks.map((t: any) => [t.id, t.cost, t.costSource])).toEqual([['a', 0.3, 'history'], ['b', 0.3, 'history'], ['c', 0.05, 'history'], ['d', 0, 'history']]);
    expect(after.estimate.cost).toBe(0.65);
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).toMatch(/^ {2}cost {26}0\.65 of a budget of 1 {3}a, b, c and 1 more as they cost in history, retries included$/m);
    // The run's estimate is the plan's; one that no longer fits the budget says so as the run starts.
    writeFileSync(join(dir, 'workflow.yaml'), readFileSync(join(dir, 'workflow.yaml'), 'utf8').replace('costBudget: 1', 'costBudget: 0.6'));
    const run = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(run.stdout).metrics.costEstimate).toBe(0.65);
    expect(run.stderr).toContain('estimated cost 0.65 exceeds the budget of 0.6: some tasks would be skipped');
    // A changed declared cost starts afresh: what was recorded under the old one no longer counts.
    writeFileSync(join(dir, 'workflow.yaml'), readFileSync(join(dir, 'workflow.yaml'), 'utf8').replace('cost: 0.1', 'cost: 0.2'));
    const repriced = json(dir, ['plan', 'workflow.yaml', '--json']);
    expect(repriced.tasks.map((t: any) => [t.id, t.cost, t.costSource])).toEqual([['a', 0.2, 'declared'], ['b', 0.2, 'declared'], ['c', 0.05, 'history'], ['d', 0, 'history']]);
  });

  it('plans a fan-out over outputs at what its expansions cost in history, and the run expects as much', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
agents:
  llm: { command: 'cat > /dev/null; echo "{\\"total_cost_usd\\": 0.04}"', captureStdout: answer, costOutput: answer.total_cost_usd, cost: 0.01 }
tasks:
  files: { run: "printf 'a\\nb\\nc\\n'", captureStdout: list }
  review: { needs: files, matrix: { f: "\${{ tasks.files.outputs.list }}" }, agent: llm, prompt: "\${{ matrix.f }}" }
` });
    expect(json(dir, ['plan', 'workflow.yaml', '--json']).estimate.cost).toBe(0.01);
    expect(json(dir, ['run', 'workflow.yaml', '--json']).metrics).toMatchObject({ costSpent: 0.12, costEstimate: 0.03 });
    const plan = json(dir, ['plan', 'workflow.yaml', '--json']);
    // Planned as the expansions the run had, each at what it cost there.
    expect(plan.tasks.filter((t: any) => t.id.startsWith('review')).map((t: any) => [t.id, t.cost, t.costSource])).toEqual([
      ['review[a]', 0.04, 'history'], ['review[b]', 0.04, 'history'], ['review[c]', 0.04, 'history'],
    ]);
    expect(plan.estimate.cost).toBe(0.12);
    expect(json(dir, ['run', 'workflow.yaml', '--json']).metrics).toMatchObject({ costSpent: 0.12, costEstimate: 0.12 });
  });

  it('plans a task that has only failed, with no estimate of its own, at what its failures took (retries too), not the default guess', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  ok: { run: "sleep 0.1" }
  broken: { run: "sleep 0.4; [ -f fixed ]" }
  told: { run: "sleep 0.4; exit 1", estimate: 20s }
  retried: { run: "sleep 0.2; [ -f fixed ]", retry: { maxAttempts: 3, delay: 0.4s, backoff: fixed } }
` });
    expect(json(dir, ['plan', 'workflow.yaml', '--json']).tasks.map((t: any) => t.estimateSource)).toEqual(['default', 'default', 'declared', 'default']);
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(1);
    const plan = json(dir, ['plan', 'workflow.yaml', '--json']);
    expect(validator('plan')(plan)).toBe(true);
    const byId = Object.fromEntries(plan.tasks.map((t: any) => [t.id, t]));
    expect(byId.ok.estimateSource).toBe('history');
    expect(byId.broken.estimateSource).toBe('failures');
    expect(byId.broken.estimate).toBeGreaterThan(0.35);
    expect(byId.broken.estimate).toBeLessThan(2);
    expect(byId.broken.retryTime).toBeUndefined();
    // What the user wrote stands: it says what a success takes.
    expect(byId.told).toMatchObject({ estimateSource: 'declared', estimate: 20 });
    // One that retries will likely do all its attempts again: what the two before the last took (0.2 s each and 0.4 s of backoff after each) counts.
    expect(byId.retried).toMatchObject({ estimateSource: 'failures' });
    expect(byId.retried.estimate).toBeLessThan(1);
    expect(byId.retried.retryTime).toBeGreaterThan(1.1);
    expect(byId.retried.retryTime).toBeLessThan(4);
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).toMatch(/broken \([\d.]+s, history of failures\)[^]*retried \([\d.]+s \+ [\d.]+s retries, history of failures\)/);
    // So the planned time of the next run, which fails the same way, is near what it takes (it was the one attempt's before).
    const again = cli(['run', 'workflow.yaml', '--only', 'retried', '--renderer', 'simple'], { cwd: dir });
    const [, planned, actual] = /planned ([\d.]+)s, actual ([\d.]+)s/.exec(again.stdout)!;
    expect(Math.abs(Number(planned) - Number(actual)) / Number(actual), again.stdout).toBeLessThan(0.3);
    // Once it has succeeded, its successes count.
    writeFileSync(join(dir, 'fixed'), '');
    cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir });
    expect(json(dir, ['plan', 'workflow.yaml', '--json']).tasks.find((t: any) => t.id === 'broken').estimateSource).toBe('history');
  });

  it('lets two runs write one store at the same time', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\npolicy: { maxConcurrency: 4 }\ntasks:\n${Array.from({ length: 40 }, (_, i) => `  t${i}: { run: "sleep 0.0${i % 5}" }`).join('\n')}\n` });
    const [a, b] = [startRun(dir), startRun(dir)];
    expect(await a.exited, a.stderr()).toBe(0);
    expect(await b.exited, b.stderr()).toBe(0);
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'succeeded'").get()).toEqual({ n: 2 });
    expect(db.prepare("SELECT count(*) AS n FROM tasks WHERE status = 'succeeded'").get()).toEqual({ n: 80 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('waits for another run that is creating the same new store instead of calling it corrupt', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const path = join(dir, '.orchestrate/state.db');
    mkdirSync(join(dir, '.orchestrate'));
    openSqlite(path).close();
    // Another process in the middle of creating it: a write transaction on the new (not yet WAL) file,
    // which made switching to WAL fail at once with "database is locked".
    const holder = spawn(process.execPath, ['-e', `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(path)}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 700);`]);
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const r = cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(json(dir, ['history', '--json'])).toHaveLength(1);
  });

  it('puts the store where the config file or --state says', () => {
    const dir = tempProject({ 'package.json': '{}', 'orchestrate.config.yaml': 'state: history/runs.db\n', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'history/runs.db'))).toBe(true);
    expect(existsSync(join(dir, '.orchestrate/state.db'))).toBe(false);
    expect(cli(['run', 'workflow.yaml', '--state', 'elsewhere.db'], { cwd: dir }).code).toBe(0);
    expect(json(dir, ['history', '--json', '--state', 'elsewhere.db'])).toHaveLength(1);
    expect(json(dir, ['history', '--json'])).toHaveLength(1);
    expect(json(dir, ['history', 'workflow.yaml', '--json', '--state', 'history/runs.db'])).toHaveLength(1);
  });

  it('refuses a corrupt or foreign state file with a clear message and leaves it untouched', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', '.orchestrate/state.db': 'this is not a database, but my notes\n' });
    const path = join(dir, '.orchestrate/state.db');
    const hash = () => createHash('sha256').update(readFileSync(path)).digest('hex');
    const before = hash();
    const r = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^orchestrate: .*state\.db is not an orchestrate state database \(not SQLite\); it was left untouched/);
    expect(hash()).toBe(before);
    const other = join(dir, 'other.db');
    const db = openSqlite(other);
    db.exec('CREATE TABLE customers (id INTEGER)');
    db.close();
    const foreign = cli(['run', 'workflow.yaml', '--state', 'other.db'], { cwd: dir });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('another application');
  });

  it('refuses a state file that lacks a table or column of its schema (edited by hand), for every command, and leaves it untouched', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const path = join(dir, '.orchestrate/state.db');
    const damage = (name: string, sql: string) => {
      const copy = join(dir, name);
      // A byte copy of the file, as the runs left it (its schema stamped as found whole).
      const db = openSqlite(path);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      copyFileSync(path, copy);
      const damaged = openSqlite(copy);
      damaged.exec(sql);
      damaged.close();
      return copy;
    };
    const cases = [
      [damage('no-table.db', 'DROP TABLE tasks'), /lacks the table tasks of orchestrate's schema \d+; it was left untouched/],
      [damage('no-column.db', 'ALTER TABLE tasks DROP COLUMN summary'), /lacks the column tasks\.summary of orchestrate's schema \d+; it was left untouched/],
      // One of an older schema is checked against that schema, before it is migrated.
      [damage('old.db', 'ALTER TABLE tasks DROP COLUMN summary; DROP TABLE approvals; PRAGMA user_version = 8'), /lacks the table approvals of orchestrate's schema 8; it was left untouched/],
    ] as const;
    // Half a database (a copy cut short) is corrupt, and left as it is too.
    const whole = readFileSync(cases[0][0]);
    writeFileSync(join(dir, 'cut.db'), whole.subarray(0, whole.length / 2));
    const cut = cli(['history', '--state', 'cut.db'], { cwd: dir });
    expect([cut.code, cut.stderr]).toEqual([2, expect.stringMatching(/cut\.db is corrupt or unreadable .*; it was left untouched/)]);
    expect(readFileSync(join(dir, 'cut.db')).equals(whole.subarray(0, whole.length / 2))).toBe(true);
    for (const [file, message] of cases) {
      const before = createHash('sha256').update(readFileSync(file)).digest('hex');
      for (const args of [['run', 'workflow.yaml'], ['plan', 'workflow.yaml'], ['history'], ['report', '-o', 'r.html'], ['stats'], ['logs'], ['status'], ['prune']]) {
        const r = cli([...args, '--state', file], { cwd: dir });
        expect([args[0], r.code, r.stderr.split('\n').length]).toEqual([args[0], 2, 2]);
        expect(r.stderr).toMatch(message);
      }
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
    }
  });

  it('keeps secrets out of the database file', () => {
    const secret = 'db-s3cret-value-77';
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo $API_TOKEN; echo t=$API_TOKEN >> $ORCHESTRATE_OUTPUT; exit 1" }\n' });
    cli(['run', 'workflow.yaml'], { cwd: dir, env: { API_TOKEN: secret } });
    const files = readdirSync(join(dir, '.orchestrate')).filter((f) => f.startsWith('state.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(join(dir, '.orchestrate', f)).includes(secret), f).toBe(false);
  });

  it('writes back the history, the events and the running task\'s log when a task deletes .orchestrate (git clean -fdx)', () => {
    // clean deletes .orchestrate while long runs with its log open, then writes a summary; long ends after that.
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  a: { run: "rm -f cleaned; echo one" }
  long: { run: "echo first; until [ -f cleaned ]; do sleep 0.05; done; echo second", needs: a }
  clean: { run: "until [ -s .orchestrate/runs/$ORCHESTRATE_RUN_ID/long.log ]; do sleep 0.05; done; rm -rf .orchestrate; touch cleaned; echo tidy >> $ORCHESTRATE_SUMMARY", needs: a }
  b: { run: "echo after", needs: [long, clean] }
`,
    });
    const first = json(dir, ['run', 'workflow.yaml', '--json']);
    const second = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout);
    expect(second.stderr).toBe(`orchestrate: warning: the run history and the run's directory were deleted while the run went on (by a task?); written back: the history, whole and with this run, to ${join(dir, '.orchestrate/state.db')}, and the events and the logs of the tasks running then to ${result.logDir}; lost: the logs of tasks that had ended, and any of earlier runs there\n`);
    // Both runs are remembered: the one before the deletion too.
    expect(json(dir, ['history', '--json']).map((r: { id: string }) => r.id)).toEqual([result.runId, first.runId]);
    const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8');
    expect(cli(['events', result.runId], { cwd: dir }).stdout).toBe(events);
    const validate = validator('events');
    const lines = events.trim().split('\n').map((l) => JSON.parse(l));
    for (const line of lines) expect(validate(line)).toBe(true);
    expect(lines.filter((e) => e.type === 'task.succeeded').map((e) => e.taskId).sort()).toEqual(['a', 'b', 'clean', 'long']);
    expect(lines.at(-1).type).toBe('workflow.finished');
    // The log open when it went is written back; a summary and a log written after it, in the directory made again.
    expect(readFileSync(join(result.logDir, 'long.log'), 'utf8')).toMatch(/out\| first\nout\| second\n$/);
    expect(readFileSync(join(result.logDir, 'clean.summary.md'), 'utf8')).toBe('tidy\n');
    expect(readFileSync(join(result.logDir, 'b.log'), 'utf8')).toContain('out| after\n');
    expect(existsSync(join(result.logDir, 'a.log'))).toBe(false);
    expect(existsSync(join(dir, '.orchestrate/.gitignore'))).toBe(true);
    // A run that deletes nothing says nothing of it.
    writeFileSync(join(dir, 'workflow.yaml'), 'version: 1\ntasks:\n  a: { run: "echo one" }\n');
    expect(cli(['run', 'workflow.yaml', '--json'], { cwd: dir }).stderr).toBe('');
  });

  it('writes a deleted history into the new one another run made meanwhile, and beside a file that is none, never over it', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1\nname: outer\ntasks:\n  nested: { run: "rm -rf .orchestrate && ${process.execPath} ${BIN} run inner.yaml --renderer silent" }\n`,
      'inner.yaml': 'version: 1\nname: inner\ntasks:\n  x: { run: "echo inner" }\n',
      'junk.yaml': `version: 1\nname: junk\ntasks:\n  j: { run: "rm -rf .orchestrate && mkdir .orchestrate && echo not a database > .orchestrate/state.db" }\n`,
    });
    const first = json(dir, ['run', 'inner.yaml', '--json']);
    const second = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(second.code).toBe(0);
    const outer = JSON.parse(second.stdout);
    expect(second.stderr).toContain(`written back: the history, whole and with this run, into the new one another run made at ${join(dir, '.orchestrate/state.db')} meanwhile`);
    // One history again: the run before, this one, and the one nested in it.
    const runs = json(dir, ['history', '--json']);
    expect(runs.map((r: { workflow: string }) => r.workflow)).toEqual(['inner', 'outer', 'inner']);
    expect(runs.slice(1).map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[outer.runId, 'succeeded'], [first.runId, 'succeeded']]);
    // A file there that is no history is left as it is; the history goes beside it.
    const third = cli(['run', 'junk.yaml', '--json'], { cwd: dir });
    const junk = JSON.parse(third.stdout);
    const aside = join(dir, `.orchestrate/state.db.${junk.runId}`);
    expect(third.stderr).toContain(`written back: the history, whole and with this run, to ${aside}, beside what is at ${join(dir, '.orchestrate/state.db')} now, which is no history this orchestrate can add to (read it with --state ${aside})`);
    expect(readFileSync(join(dir, '.orchestrate/state.db'), 'utf8')).toBe('not a database\n');
    expect(json(dir, ['history', '--json', '--state', aside]).map((r: { id: string }) => r.id)).toEqual([junk.runId, ...runs.map((r: { id: string }) => r.id)]);
  });

  it('lists runs and prints the events of a stored run, matching the live stream and its schema', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a }\n' });
    const result = json(dir, ['run', 'workflow.yaml', '--json']);
    const runs = json(dir, ['history', '--json']);
    // The speedup the run reported is the one history shows (the same serial time, kept with the run).
    expect(runs[0]).toMatchObject({ id: result.runId, status: 'succeeded', workflow: 'workflow', wallTime: result.metrics.wallTime, speedup: result.metrics.speedupVsSerial });
    expect(cli(['history'], { cwd: dir }).stdout).toContain(result.runId);
    const stored = cli(['events', result.runId], { cwd: dir }).stdout;
    expect(stored).toBe(readFileSync(join(result.logDir, 'events.jsonl'), 'utf8'));
    const validate = validator('events');
    for (const line of stored.trim().split('\n')) expect(validate(JSON.parse(line))).toBe(true);
    expect(cli(['events', 'nope'], { cwd: dir }).code).toBe(2);
    // Without a run id, the latest run's, as logs and report take it.
    const latest = json(dir, ['run', 'workflow.yaml', '--json']);
    expect(cli(['events'], { cwd: dir }).stdout).toBe(readFileSync(join(latest.logDir, 'events.jsonl'), 'utf8'));
  });

  it('prints the events of a large run whole, in pieces (each task wrote a 600 KB summary)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\ntasks:\n${[1, 2, 3].map((i) => `  t${i}: { run: "head -c 600000 /dev/zero | tr '\\\\0' ${i} > \\"$ORCHESTRATE_SUMMARY\\"" }\n`).join('')}` });
    const result = json(dir, ['run', 'workflow.yaml', '--json']);
    expect(result.tasks.map((t: any) => t.summary.length)).toEqual([600_000, 600_000, 600_000]);
    const stored = cli(['events', result.runId], { cwd: dir }).stdout;
    expect(stored.length).toBeGreaterThan(1_800_000);
    expect(stored).toBe(readFileSync(join(result.logDir, 'events.jsonl'), 'utf8'));
  });

  it('prunes all but the latest runs of each workflow, with their logs, and never a run that is still running', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo a" }\n', 'other.yaml': 'version: 1\ntasks:\n  b: { run: "echo b" }\n' });
    const ours = [1, 2, 3].map(() => json(dir, ['run', 'workflow.yaml', '--json']));
    const theirs = [1, 2].map(() => json(dir, ['run', 'other.yaml', '--json']));
    const dry = cli(['prune', '--keep', '1', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would remove 3 runs and 3 log directories \([\d.]+ MB\), keeping the latest 1 of each workflow\n$/);
    expect(json(dir, ['history', '--json'])).toHaveLength(5);
    const pruned = cli(['prune', '--keep', '1'], { cwd: dir });
    expect(pruned.stdout).toMatch(/^removed 3 runs and 3 log directories/);
    expect(json(dir, ['history', '--json']).map((r: any) => r.id).sort()).toEqual([ours[2].runId, theirs[1].runId].sort());
    for (const old of [ours[0], ours[1], theirs[0]]) {
      expect(existsSync(old.logDir)).toBe(false);
      expect(cli(['events', old.runId], { cwd: dir }).code).toBe(2);
    }
    expect(existsSync(ours[2].logDir)).toBe(true);
    expect(cli(['events', ours[2].runId], { cwd: dir }).stdout).toContain('workflow.finished');
    // One workflow's runs only; a run in progress stays.
    writeFileSync(join(dir, 'workflow.yaml'), chain);
    const running = startRun(dir);
    await waitFor(() => count(dir, 'slow.ran') === 1);
    expect(cli(['prune', 'workflow.yaml', '--keep', '0'], { cwd: dir }).stdout).toMatch(/^removed 1 run and 1 log directory/);
    const left = json(dir, ['history', '--json']);
    expect(left.map((r: any) => [r.workflow, r.status])).toEqual([['workflow', 'running'], ['other', 'succeeded']]);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(cli(['prune', '--keep', '-1'], { cwd: dir }).code).toBe(2);
  });

  it('forgets a workflow\'s runs past the config file\'s retention as each run ends, with their logs', () => {
    const dir = tempProject({ 'package.json': '{}', 'orchestrate.config.yaml': 'retention: { maxRuns: 2 }\n', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo a" }\n', 'other.yaml': 'version: 1\ntasks:\n  b: { run: "true" }\n' });
    const theirs = json(dir, ['run', 'other.yaml', '--json']);
    const ours = [1, 2, 3, 4].map(() => json(dir, ['run', 'workflow.yaml', '--json']));
    expect(json(dir, ['history', 'workflow.yaml', '--json']).map((r: any) => r.id)).toEqual([ours[3].runId, ours[2].runId]);
    expect(ours.map((run) => existsSync(run.logDir))).toEqual([false, false, true, true]);
    // Each workflow file keeps its own.
    expect(json(dir, ['history', 'other.yaml', '--json']).map((r: any) => r.id)).toEqual([theirs.runId]);
    // By age: a run older than maxAge goes when the next one ends.
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'retention: { maxAge: 1s }\n');
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    db.prepare('UPDATE runs SET started_at = ? WHERE id = ?').run(new Date(Date.now() - 60_000).toISOString(), ours[3].runId);
    db.close();
    const next = json(dir, ['run', 'workflow.yaml', '--json']);
    expect(json(dir, ['history', 'workflow.yaml', '--json']).map((r: any) => r.id)).toEqual([next.runId, ours[2].runId]);
    // Limits that would forget every run are refused where they are written.
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'retention: { maxAge: 0 }\n');
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).stderr).toContain('orchestrate.config.yaml:1:22  error  retention.maxAge must be greater than 0: runs that started longer ago than it are forgotten  [bad-duration]');
    writeFileSync(join(dir, 'orchestrate.config.yaml'), 'retention: { maxRuns: 0 }\n');
    const zero = cli(['lint', 'workflow.yaml'], { cwd: dir });
    expect(zero.code).toBe(1);
    expect(zero.stdout).toContain('orchestrate.config.yaml:1:23  error  retention.maxRuns must be at least 1, got 0  [schema]');
  });

  it('prunes by age with --older-than, still keeping the latest --keep runs', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const ids = [1, 2, 3].map(() => json(dir, ['run', 'workflow.yaml', '--json']).runId as string);
    // The first two runs started 40 days ago.
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    db.prepare('UPDATE runs SET started_at = ? WHERE id IN (?, ?)').run(old, ids[0], ids[1]);
    db.close();
    expect(cli(['prune', '--older-than', '30d'], { cwd: dir }).stdout).toMatch(/^removed 0 runs/);
    expect(cli(['prune', '--older-than', '30d', '--keep', '1'], { cwd: dir }).stdout).toMatch(/^removed 2 runs/);
    expect(json(dir, ['history', '--json']).map((r: any) => r.id)).toEqual([ids[2]]);
    expect(cli(['prune', '--older-than', 'soon'], { cwd: dir }).stderr).toContain('--older-than must be a duration such as 30d');
  });

  it('lists no runs, and prunes nothing, before the first run has made a history; a --state that is not there is an error', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const none = [
      [['history'], 'no runs recorded\n'],
      [['history', 'workflow.yaml', '--status', 'failed'], 'no failed runs recorded\n'],
      [['history', '--json'], '[]\n'],
      [['prune'], `no run history at ${join(dir, '.orchestrate', 'state.db')}: nothing to remove\n`],
      [['prune', '--dry-run'], `no run history at ${join(dir, '.orchestrate', 'state.db')}: nothing to remove\n`],
    ] as const;
    for (const [args, out] of none) {
      const r = cli([...args], { cwd: dir });
      expect([args, r.code, r.stdout, r.stderr]).toEqual([args, 0, out, '']);
    }
    // Asking made no history.
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
    for (const command of ['history', 'prune', 'status', 'logs']) {
      const r = cli([command, '--state', 'nope.db'], { cwd: dir });
      expect([command, r.code, r.stderr]).toEqual([command, 2, `orchestrate: no run history at ${join(dir, 'nope.db')} (--state names a database that is not there)\n`]);
    }
    // A command about a run still says there is none.
    const status = cli(['status'], { cwd: dir });
    expect([status.code, status.stderr]).toEqual([2, `orchestrate: no run history at ${join(dir, '.orchestrate', 'state.db')} (run a workflow first, or pass --state PATH)\n`]);
  });

  it('shows a stored workflow name with a terminal escape (recorded before names were checked) as escapes', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const id = json(dir, ['run', 'workflow.yaml', '--json']).runId as string;
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    db.prepare('UPDATE runs SET workflow = ? WHERE id = ?').run('evil\u001b[2J', id);
    db.close();
    for (const args of [['history'], ['status'], ['prune', '--keep', '0', '--dry-run']]) {
      const r = cli(args, { cwd: dir });
      expect(r.code, args[0]).toBe(0);
      expect(r.stdout, args[0]).toContain('evil\\u001b[2J');
      expect(r.stdout, args[0]).not.toContain('\u001b');
    }
  });

  it('prints a stored run\'s task logs, all or some, and says when they are gone', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  a: { run: "echo from a" }
  bad: { run: "echo oops >&2; exit 4" }
  quiet: { run: "true" }
  m: { run: "echo value \${{ matrix.f }}", matrix: { f: [src/x.ts] } }
`,
    });
    const run = json(dir, ['run', 'workflow.yaml', '--json']);
    const all = cli(['logs'], { cwd: dir }).stdout;
    expect(all).toContain(`==> a (succeeded) ${join(run.logDir, 'a.log')} <==\n`);
    expect(all).toContain('out| from a\n');
    expect(all).toContain('==> bad (failed) ');
    expect(all).toContain('err| oops\n');
    expect(all).toContain('==> m[src/x.ts] (succeeded) ');
    expect(all).not.toContain('==> quiet');
    const failed = cli(['logs', run.runId, '--failed'], { cwd: dir }).stdout;
    expect(failed.match(/^==> /gm)).toHaveLength(1);
    expect(failed).toContain('==> bad (failed)');
    expect(cli(['logs', '-t', 'quiet,a'], { cwd: dir }).stdout).toMatch(/^==> quiet \(succeeded\): no output <==\n==> a \(succeeded\) /);
    // A matrix task's id names its expansions, and * patterns work, as with run --only.
    expect(cli(['logs', '-t', 'm'], { cwd: dir }).stdout).toMatch(/^==> m\[src\/x.ts\] \(succeeded\) [^\n]*\n--- attempt 1 of m\[src\/x.ts\] [^\n]*\nout\| value src\/x.ts\n$/);
    expect(cli(['logs', '-t', 'b*'], { cwd: dir }).stdout).toMatch(/^==> bad \(failed\) /);
    expect(cli(['logs', '-t', 'q*'], { cwd: dir }).stdout).toBe('==> q* (1 task): no output <==\n');
    // A name that fits no task of the run is a typo, said as run --only says it.
    const typo = cli(['logs', '-t', 'q*,bda'], { cwd: dir });
    expect([typo.code, typo.stdout, typo.stderr]).toEqual([2, '', `orchestrate: --task: run ${run.runId} has no task "bda" (did you mean "bad"?)\n`]);
    // A run in which no task printed anything says so.
    writeFileSync(join(dir, 'silent.yaml'), 'version: 1\ntasks:\n  s: { run: "true" }\n');
    const silent = json(dir, ['run', 'silent.yaml', '--json']);
    expect(cli(['logs'], { cwd: dir }).stdout).toBe(`run ${silent.runId}: no task printed anything\n`);
    // A reader that stops early (`| head -1`): the command ends at once, exit 0.
    writeFileSync(join(dir, 'big.yaml'), 'version: 1\ntasks:\n  big: { run: "seq 1 400000" }\n');
    expect(cli(['run', 'big.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const reader = spawn(process.execPath, [BIN, 'logs'], { cwd: dir });
    reader.stdout.once('data', () => reader.stdout.destroy());
    expect(await new Promise((resolve) => reader.on('exit', resolve))).toBe(0);
    rmSync(run.logDir, { recursive: true });
    const gone = cli(['logs', run.runId], { cwd: dir });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toBe(`orchestrate: the logs of run ${run.runId} are gone (pruned or deleted): ${run.logDir}\n`);
    expect(cli(['logs', 'nope'], { cwd: dir }).stderr).toContain('no run "nope" in the history');
  });

  it('prints the logs in the order the tasks became ready, the workflow\'s among those ready at once', () => {
    // File names would give: after, m[10], m[1], m[2], z; the order tasks ended in would differ too.
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 8 }
tasks:
  after: { run: "echo after", needs: [z] }
  z: { run: "sleep 0.3; echo z" }
  m: { run: "sleep 0.$((3 - \${{ matrix.n }} % 3)); echo \${{ matrix.n }}", matrix: { n: [2, 10, 1] } }
`,
    });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const order = (args: string[]) => [...cli(['logs', ...args], { cwd: dir }).stdout.matchAll(/^==> (\S+) /gm)].map((m) => m[1]);
    expect(order([])).toEqual(['z', 'm[2]', 'm[10]', 'm[1]', 'after']);
    expect(order(['-t', 'm,after'])).toEqual(['m[2]', 'm[10]', 'm[1]', 'after']);
    // Following a run that has ended prints each log at once, in the same order.
    const followed = cli(['logs', '-f'], { cwd: dir }).stdout;
    expect([...followed.matchAll(/^\[(\S+)\] --- attempt 1 of /gm)].map((m) => m[1])).toEqual(['z', 'm[2]', 'm[10]', 'm[1]', 'after']);
  });

  it('shows the latest runs up to --limit, and says how many more there are', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const ids = [1, 2, 3].map(() => json(dir, ['run', 'workflow.yaml', '--json']).runId);
    expect(json(dir, ['history', '--json']).map((r: any) => r.id)).toEqual([...ids].reverse());
    expect(json(dir, ['history', '--json', '--limit', '2']).map((r: any) => r.id)).toEqual([ids[2], ids[1]]);
    const table = cli(['history', '-l', '2'], { cwd: dir }).stdout;
    expect(table).toContain(ids[2]);
    expect(table).not.toContain(ids[0]);
    expect(table).toContain('(the latest 2 of 3 runs; --limit 3 shows them all)');
    expect(cli(['history', '--limit', '3'], { cwd: dir }).stdout).not.toContain('the latest');
    const bad = cli(['history', '--limit', '-1'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be at least 1, got -1.');
  });

  it('shows only the runs of one status with --status: how they ended, or unfinished (runner gone)', () => {
    const dir = tempProject({ 'package.json': '{}', 'ok.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', 'bad.yaml': 'version: 1\ntasks:\n  a: { run: "exit 1" }\n' });
    const ok = [1, 2, 3].map(() => json(dir, ['run', 'ok.yaml', '--json']).runId);
    const bad = json(dir, ['run', 'bad.yaml', '--json']).runId;
    const lost = json(dir, ['run', 'bad.yaml', '--json']).runId;
    // A run whose runner died before it could record an end (pid 2 is never a runner here).
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    db.prepare('UPDATE runs SET finished_at = NULL, status = NULL, runner_pid = 2 WHERE id = ?').run(lost);
    db.close();
    const ids = (...args: string[]) => json(dir, ['history', '--json', ...args]).map((r: any) => r.id);
    expect(ids('--status', 'succeeded')).toEqual([...ok].reverse());
    expect(ids('-s', 'failed')).toEqual([bad]);
    expect(ids('-s', 'unfinished')).toEqual([lost]);
    expect(ids('-s', 'running')).toEqual([]);
    expect(ids('-s', 'failed', 'ok.yaml')).toEqual([]);
    expect(cli(['history', '-s', 'succeeded', '-l', '1'], { cwd: dir }).stdout).toContain('(the latest 1 of 3 succeeded runs; --limit 3 shows them all)');
    expect(cli(['history', '-s', 'cancelled'], { cwd: dir }).stdout).toBe('no cancelled runs recorded\n');
  });
});
