import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

// Built to show the kinds of finding of a run: an agent limited to one task at a
// time (queue wait), one long task (cost), a task that fails its first attempt
// (flaky), and one that sleeps longer on every run (slowing). The critical path
// is named where it is what a run waits for (history.test.ts, the unit tests).
const workflow = `version: 1
policy: { maxConcurrency: 4 }
agents: { solo: { command: "cat > /dev/null; sleep 0.2", concurrency: 1 } }
tasks:
  q1: { agent: solo }
  q2: { agent: solo }
  q3: { agent: solo }
  q4: { agent: solo }
  long: { run: "sleep 0.5", cost: 5 }
  after: { run: "true", needs: long, cost: 0.1 }
  flaky: { run: "[ $ORCHESTRATE_ATTEMPT -ge 2 ]", retry: { maxAttempts: 2, delay: 10ms } }
  growing: { run: "n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; sleep 0.$n" }
`;

describe('orchestrate stats', () => {
  it('reports per-task and per-agent statistics and the bottlenecks of its runs', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    for (let i = 0; i < 5; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const r = cli(['stats', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    const task = (id: string) => stats.tasks.find((t: any) => t.name === id);
    expect(task('flaky')).toMatchObject({ runs: 5, successRate: 1, retriesPerRun: 1 });
    expect(task('long').costPerRun).toBe(5);
    expect(task('long').duration.p50).toBeGreaterThanOrEqual(0.5);
    expect(task('long').duration.p99).toBeLessThan(2);
    const solo = stats.agents.find((a: any) => a.name === 'solo');
    expect(solo.runs).toBe(20);
    expect(solo.queueWait.p95).toBeGreaterThan(0.4);
    const kinds = Object.fromEntries(stats.bottlenecks.map((f: any) => [`${f.kind}:${f.subject}`, f]));
    // long is most of the critical path, but the run waits for solo's queue (4 x 0.2 s), not for it: no critical-path finding.
    // A busy machine can slow a 0.2 s task's later runs by a fifth too: only the task that grows by design must be named slowing.
    const named = Object.keys(kinds).filter((k) => !k.startsWith('slowing:') || k === 'slowing:growing');
    expect(named.sort()).toEqual(['budget-hog:long', 'flaky:flaky', 'queue-wait:solo.concurrency', 'slowing:growing']);
    expect(kinds['queue-wait:solo.concurrency'].suggestion).toMatch(/^raise `solo\.concurrency` from 1 to 2: estimated wall time \S+ -> \S+$/);
    expect(kinds['flaky:flaky'].reason).toBe('`flaky` needed 1 retry per run and succeeded in 100% of 5 runs');
    for (const f of stats.bottlenecks) expect(['high', 'medium', 'low']).toContain(f.severity);
    const text = cli(['stats', 'workflow.yaml'], { cwd: dir }).stdout;
    expect(text).toContain('Bottlenecks');
    expect(text).toMatch(/^ {2}solo +20 +100%/m);
  });

  it('takes the latest runs of each workflow only with --limit: a task made reliable is no longer flaky there', () => {
    const dir = tempProject({
      'package.json': '{}',
      // Fails its first attempt in the first three runs, then never.
      'workflow.yaml': `version: 1
tasks:
  mended:
    run: 'if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then c=$(($(cat c 2>/dev/null || echo 0) + 1)); echo $c > c; [ $c -gt 3 ]; fi'
    retry: { maxAttempts: 2, delay: 10ms }
`,
      'other.yaml': 'version: 1\nname: other\ntasks:\n  b: { run: "true" }\n',
    });
    for (let i = 0; i < 6; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    for (let i = 0; i < 2; i++) expect(cli(['run', 'other.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = (...args: string[]) => JSON.parse(cli(['stats', ...args, '--json'], { cwd: dir }).stdout);
    const all = stats('workflow.yaml');
    expect(all.tasks).toMatchObject([{ name: 'mended', runs: 6, retriesPerRun: 0.5 }]);
    expect(all.bottlenecks.map((f: any) => `${f.kind}:${f.subject}`)).toContain('flaky:mended');
    const recent = stats('workflow.yaml', '--limit', '3');
    expect(recent.tasks).toMatchObject([{ name: 'mended', runs: 3, retriesPerRun: 0 }]);
    expect(recent.bottlenecks.map((f: any) => f.kind)).not.toContain('flaky');
    // Without a file: the latest run of each workflow.
    expect(stats('-l', '1').tasks.map((t: any) => [t.workflow, t.name, t.runs]).sort()).toEqual([['other', 'b', 1], ['workflow', 'mended', 1]]);
    // Rows and findings of several workflows say whose they are; those of one file need not.
    const everything = cli(['stats'], { cwd: dir }).stdout;
    expect(everything).toMatch(/^ {2}other \/ b +2 +100%/m);
    expect(everything).toMatch(/^ {2}workflow \/ mended +6 +100%/m);
    expect(everything).toContain('] flaky (workflow): `mended` needed 0.5 retries per run');
    expect(stats().bottlenecks.find((f: any) => f.kind === 'flaky')).toMatchObject({ subject: 'mended', workflow: 'workflow' });
    expect(all.bottlenecks.find((f: any) => f.kind === 'flaky').workflow).toBeUndefined();
    expect(cli(['stats', 'workflow.yaml', '-l', '3'], { cwd: dir }).stdout).toContain('Tasks (durations of successful attempts; wait = queue wait per run; the latest 3 runs of each workflow)');
    expect(cli(['stats', '-l', '0'], { cwd: dir }).code).toBe(2);
  });

  it('names an agent\'s rate limit and a matrix\'s maxParallel when raising them shortens the plan', () => {
    // Three requests at two per second, then four shards one at a time: raising either shortens the run.
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
policy: { maxConcurrency: 8 }
agents: { api: { command: "cat > /dev/null", rateLimit: { requests: 2, per: 1s } } }
tasks:
  r1: { agent: api }
  r2: { agent: api }
  r3: { agent: api }
  shard: { needs: [r1, r2, r3], matrix: { n: [1, 2, 3, 4] }, maxParallel: 1, run: "sleep 0.3" }
` });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    const limits = Object.fromEntries(stats.bottlenecks.filter((f: any) => f.kind === 'queue-wait').map((f: any) => [f.subject, f]));
    expect(Object.keys(limits).sort()).toEqual(['api.rateLimit.requests', 'shard.maxParallel']);
    expect(limits['api.rateLimit.requests'].reason).toBe('tasks of `api` wait for its rate limit in the plan; the limit of 2 per 1s is the constraint');
    expect(limits['api.rateLimit.requests'].suggestion).toMatch(/^raise `api\.rateLimit\.requests` from 2 to 3 per 1s: estimated wall time (\S+) -> (\S+)$/);
    expect(limits['shard.maxParallel'].reason).toBe('expansions of `shard` wait for its one parallel slot in the plan; the limit of 1 is the constraint');
    expect(limits['shard.maxParallel'].suggestion).toMatch(/^raise `shard\.maxParallel` from 1 to 2: estimated wall time \S+ -> \S+$/);
    expect(cli(['stats', 'workflow.yaml'], { cwd: dir }).stdout).toContain('-> raise `api.rateLimit.requests` from 2 to 3 per 1s: estimated wall time');
  });

  it('names the limit a fan-out over outputs waits for, planned as the expansions it last had', () => {
    // Four reviews of the files found, one at a time: the agent's concurrency is what the run waits for.
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
policy: { maxConcurrency: 8 }
agents: { reviewer: { command: "cat > /dev/null; sleep 0.3", concurrency: 1 } }
tasks:
  find: { run: "printf 'a\\nb\\nc\\nd\\n'", captureStdout: files }
  review:
    needs: find
    matrix:
      file: \${{ tasks.find.outputs.files }}
    agent: reviewer
    prompt: Review \${{ matrix.file }}
` });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    const limit = stats.bottlenecks.find((f: any) => f.kind === 'queue-wait');
    expect(limit.subject).toBe('reviewer.concurrency');
    expect(limit.reason).toMatch(/^tasks of `reviewer` waited \S+ on average for a slot \(p95 \S+\); the limit of 1 is the constraint$/);
    const [, from, to] = /^raise `reviewer\.concurrency` from 1 to 2: estimated wall time (\S+)s -> (\S+)s$/.exec(limit.suggestion)!;
    expect(Number(to)).toBeLessThan(Number(from) * 0.75);
  });

  it('names an agent whose API refused attempts with a Retry-After, and says to set or lower its rate limit', () => {
    // An API that refuses every first request with a Retry-After, as a 429 does.
    const agent = 'cat > /dev/null; if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo retry-after=0.2 >> "$ORCHESTRATE_OUTPUT"; exit 75; fi';
    const tasks = 'tasks:\n  a: { agent: api, prompt: x }\n  b: { agent: api, prompt: y }\n  c: { agent: api, prompt: z }\n  s: { run: "true" }\n';
    const dir = tempProject({ 'package.json': '{}', 'agent.sh': agent, 'workflow.yaml': `version: 1\nagents:\n  api: { command: sh agent.sh, retry: { maxAttempts: 2, delay: 10ms } }\n${tasks}` });
    for (let i = 0; i < 2; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(stats.agents).toMatchObject([{ name: 'api', runs: 6, retryAfter: { attempts: 6 } }]);
    expect(stats.agents[0].retryAfter.seconds).toBeCloseTo(1.2, 5);
    expect(stats.tasks.map((t: any) => [t.name, t.retriesPerRun, t.retryAfter?.attempts])).toEqual([['a', 1, 2], ['b', 1, 2], ['c', 1, 2], ['s', 0, undefined]]);
    // Each task needed a retry in every run, but only because its API said to wait: not flaky.
    expect(stats.bottlenecks.map((f: any) => f.kind)).not.toContain('flaky');
    expect(stats.bottlenecks.filter((f: any) => f.kind === 'rate-limited')).toEqual([{
      kind: 'rate-limited',
      severity: 'high',
      subject: 'api',
      reason: 'the API of `api` refused 6 of its 12 attempts with a Retry-After, holding it 1.2s in all',
      suggestion: 'set `api.rateLimit` to its API\'s quota (`{ requests: N, per: 1m }`): its tasks then wait in the queue instead of spending attempts on refusals',
    }]);
    // With a rate limit already, it is too high.
    writeFileSync(join(dir, 'workflow.yaml'), `version: 1\nagents:\n  api: { command: sh agent.sh, rateLimit: { requests: 10, per: 1m }, retry: { maxAttempts: 2, delay: 10ms } }\n${tasks}`);
    expect(cli(['stats', 'workflow.yaml'], { cwd: dir }).stdout).toContain('-> lower `api.rateLimit` (now 10 per 1m) to what its API allows');
    // An agent its API never refused has none.
    const calm = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\nagents:\n  api: { command: cat }\ntasks:\n  a: { agent: api, prompt: x }\n' });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: calm }).code).toBe(0);
    const none = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: calm }).stdout);
    expect(none.agents[0].retryAfter).toEqual({ attempts: 0, seconds: 0 });
    expect(none.bottlenecks.map((f: any) => f.kind)).not.toContain('rate-limited');
  });

  it('names a task that hits its timeout, from the attempts the runs recorded', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  hang: { run: "sleep 30", timeout: 0.3s, retry: { maxAttempts: 2, delay: 10ms } }\n  fine: { run: "true" }\n' });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(1);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(stats.tasks.map((t: any) => [t.name, t.timedOut])).toEqual([['hang', 2], ['fine', 0]]);
    expect(stats.bottlenecks.filter((f: any) => f.kind === 'timing-out')).toEqual([{
      kind: 'timing-out',
      severity: 'high',
      subject: 'hang',
      reason: '`hang` hit its timeout (0.3s) in 2 of its 2 attempts',
      suggestion: 'raise `hang`\'s timeout if it needs longer, or find why it hangs: orchestrate logs --task hang',
    }]);
  });

  it('names a task whose reported cost is far from what it declares, and no limit whose gain is noise', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
policy: { costBudget: 10 }
agents:
  llm: { command: "cat > /dev/null; echo cost=0.05 >> $ORCHESTRATE_OUTPUT", cost: 0.01 }
tasks:
  a: { agent: llm, prompt: x }
  b: { agent: llm, prompt: y, cost: 0.05 }
  c: { run: "true" }
` });
    for (let i = 0; i < 2; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(stats.bottlenecks.filter((f: any) => f.kind === 'cost-drift')).toEqual([{
      kind: 'cost-drift',
      severity: 'high',
      subject: 'a',
      reason: '`a` cost 0.05 an attempt in its recent runs at that declared cost, as recorded (reported, else declared then), against the 0.01 it declares',
      suggestion: 'set the cost of `a` (or of its agent `llm`) to about 0.05: the budget check counts the declared one, as does a plan without this history (a fresh checkout)',
    }]);
    // Three tasks of milliseconds at two slots: a third slot gains a few milliseconds, not worth a finding.
    expect(stats.bottlenecks.map((f: any) => f.kind)).not.toContain('queue-wait');
    // c reports nothing: repriced, its runs at the old declared cost are no drift from the new one.
    writeFileSync(join(dir, 'workflow.yaml'), readFileSync(join(dir, 'workflow.yaml'), 'utf8').replace('c: { run: "true" }', 'c: { run: "true", cost: 0.5 }'));
    const repriced = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(repriced.bottlenecks.filter((f: any) => f.kind === 'cost-drift').map((f: any) => f.subject)).toEqual(['a']);
  });

  it('names a task whose runs take far from the estimate written for it, which graph and a fresh checkout\'s plan go by', () => {
    // 0.8 s of sleep against 0.1 s written: however slow the machine, far more than twice it.
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  build: { run: "sleep 0.8", estimate: 0.1s }\n  quick: { run: "true", estimate: 0.1s }\n' });
    for (let i = 0; i < 3; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    const drift = stats.bottlenecks.filter((f: any) => f.kind === 'estimate-drift');
    expect(drift).toEqual([{
      kind: 'estimate-drift',
      severity: 'medium',
      subject: 'build',
      reason: expect.stringMatching(/^`build` takes \d+(\.\d+)?s \(the median of its 3 successes\) against the 0\.1s written for it$/),
      suggestion: expect.stringMatching(/^set the estimate of `build` to about \d+(\.\d+)?s: `graph`, and a plan without this history/),
    }]);
    // Without the file nothing written is known to compare with.
    expect(JSON.parse(cli(['stats', '--json'], { cwd: dir }).stdout).bottlenecks.map((f: any) => f.kind)).not.toContain('estimate-drift');
  });

  it('calls a task that failed in every run failing, not flaky; one that failed in some runs without retries flaky', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  broken: { run: "exit 3" }\n  fine: { run: "true" }\n  sometimes: { run: "if [ -e n ]; then rm n; else touch n; exit 1; fi" }\n' });
    for (let i = 0; i < 3; i++) expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(1);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    const broken = stats.bottlenecks.filter((f: any) => f.subject === 'broken' && f.kind !== 'critical-path');
    expect(broken).toEqual([{
      kind: 'failing',
      severity: 'high',
      subject: 'broken',
      reason: '`broken` failed in every one of its 3 runs',
      suggestion: 'it fails every time, so a retry will not help: see why in its log (orchestrate logs --task broken)',
    }]);
    // It failed in the first and third runs, with no retry to mend it.
    expect(stats.bottlenecks.filter((f: any) => f.subject === 'sometimes' && f.kind !== 'critical-path')).toEqual([{
      kind: 'flaky',
      severity: 'high',
      subject: 'sometimes',
      reason: '`sometimes` succeeded in 33% of 3 runs, with no retries',
      suggestion: 'find why `sometimes` fails intermittently; every failure costs time and money',
    }]);
  });

  it('says so when there is no history, or no runs of the file: no runs yet either way; a --state that is not there is an error', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    for (const args of [['stats', 'workflow.yaml'], ['stats']]) {
      const r = cli(args, { cwd: dir });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(args[1] ? /^No runs of workflow\.yaml recorded yet\.\n/ : /^No runs recorded yet\.\n/);
      expect(JSON.parse(cli([...args, '--json'], { cwd: dir }).stdout)).toMatchObject({ tasks: [], agents: [] });
    }
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
    const typo = cli(['stats', '--state', 'stat.db'], { cwd: dir });
    expect([typo.code, typo.stderr]).toEqual([2, `orchestrate: no run history at ${join(dir, 'stat.db')} (--state names a database that is not there)\n`]);
    // A history without runs of this file: said in words, not an empty table.
    writeFileSync(join(dir, 'other.yaml'), 'version: 1\ntasks:\n  b: { run: "true" }\n');
    expect(cli(['run', 'other.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const none = cli(['stats', 'workflow.yaml'], { cwd: dir });
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^No runs of workflow\.yaml recorded yet\.\n/);
    expect(JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout).tasks).toEqual([]);
  });

  it('shows the recorded runs of a workflow file removed since, as history does; a name never run is still not there', () => {
    const dir = tempProject({ 'package.json': '{}', 'old.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: [a] }\n' });
    expect(cli(['run', 'old.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    rmSync(join(dir, 'old.yaml'));
    const r = cli(['stats', 'old.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^old\.yaml is not there any more: the runs recorded of it\.\n/);
    expect(JSON.parse(cli(['stats', 'old.yaml', '--json'], { cwd: dir }).stdout).tasks.map((t: { name: string }) => t.name).sort()).toEqual(['a', 'b']);
    const typo = cli(['stats', 'olf.yaml'], { cwd: dir });
    expect([typo.code, typo.stderr]).toEqual([2, 'orchestrate: cannot read olf.yaml: no such file\n']);
  });

  it('lists tasks and agents in the order the workflow has them, not the order they ended in', () => {
    // `slow` ends last and `z` first; the history records tasks as they end.
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
agents:
  writer: { command: "cat > /dev/null; sleep 0.4" }
  checker: { command: "cat > /dev/null" }
tasks:
  slow: { agent: writer }
  shard: { run: "sleep 0.$((3 - \${{ matrix.n }} % 3))", matrix: { n: [10, 2, 1] } }
  z: { agent: checker }
`,
      'other.yaml': 'version: 1\nname: other\ntasks:\n  b: { run: "true" }\n',
    });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    expect(cli(['run', 'other.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const stats = JSON.parse(cli(['stats', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(stats.tasks.map((t: { name: string }) => t.name)).toEqual(['slow', 'shard[10]', 'shard[2]', 'shard[1]', 'z']);
    expect(stats.agents.map((a: { name: string }) => a.name)).toEqual(['writer', 'checker']);
    const text = cli(['stats', 'workflow.yaml'], { cwd: dir }).stdout;
    expect(text.indexOf('  slow ')).toBeLessThan(text.indexOf('  shard[10] '));
    expect(text.indexOf('  shard[1] ')).toBeLessThan(text.indexOf('  z '));
    // Without a file: each workflow's rows together, by name, numbers in order.
    const all = JSON.parse(cli(['stats', '--json'], { cwd: dir }).stdout);
    expect(all.tasks.map((t: { workflow: string; name: string }) => `${t.workflow}:${t.name}`)).toEqual(['workflow:shard[1]', 'workflow:shard[2]', 'workflow:shard[10]', 'workflow:slow', 'workflow:z', 'other:b']);
  });

  it('shows a long name whole, its column as wide as it, and cuts only a very long one, in its middle', () => {
    const long = 'src/components/checkout/payment-form.test.ts';
    const huge = `${'x'.repeat(80)}-end`;
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1\ntasks:\n  review: { run: "true", matrix: { file: ["${long}", "${huge}"] } }\n  b: { run: "true" }\n`,
    });
    expect(cli(['run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(0);
    const lines = cli(['stats', 'workflow.yaml'], { cwd: dir }).stdout.split('\n');
    const row = (start: string) => lines.find((l) => l.startsWith(`  ${start}`))!;
    expect(row(`review[${long}] `)).toBeDefined();
    // The very long one keeps its start and its end.
    expect(row('review[xxx')).toMatch(/^ {2}review\[x+…x+-end\] +1 /);
    // Every row's runs column lines up with the header's.
    const header = row('name ');
    const at = header.indexOf('runs') + 'runs'.length;
    for (const name of [`review[${long}]`, 'review[xxx', 'b ']) expect(row(name).slice(at - 1, at), name).toBe('1');
  });
});
