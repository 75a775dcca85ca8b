import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';
import { formatEventLine } from '../../src/report/simple-renderer.js';
import { startCli } from '../helpers/background.js';
import { waitFor } from '../helpers/wait.js';

const ms = (iso: string) => Date.parse(iso);

/** `orchestrate run workflow.yaml` in a pseudo-terminal of this size (CI unset), as `script` gives one. */
function runInTerminal(dir: string, cols: number, rows: number, ci?: string, term = 'xterm') {
  writeFileSync(join(dir, 'run.sh'), `${process.execPath} ${BIN} run workflow.yaml\n`);
  const env: Record<string, string | undefined> = { ...process.env, TERM: term };
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  return spawnSync('script', ['-qec', `stty cols ${cols} rows ${rows}; sh run.sh`, '/dev/null'], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
}

/** Writes `yaml` as w.yaml in `dir` and returns the directory. */
function writeProject(dir: string, yaml: string): string {
  writeFileSync(join(dir, 'w.yaml'), yaml);
  return dir;
}

describe('run policies with real processes', () => {
  it('a task waiting out its backoff holds no slot: others run meanwhile', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 1 }
tasks:
  flaky: { run: "[ -f flag ] || { touch flag; exit 1; }", retry: { maxAttempts: 2, delay: 1500ms }, priority: high }
  other: { run: "sleep 0.2" }
`,
    });
    expect(r.code).toBe(0);
    const otherStart = r.events.find((e) => e.type === 'task.started' && e.taskId === 'other');
    const retryStart = r.events.filter((e) => e.type === 'task.started' && e.taskId === 'flaky')[1];
    expect(ms(otherStart.ts)).toBeLessThan(ms(retryStart.ts));
    expect(task(r.result, 'flaky').attempts).toBe(2);
  });

  it('the workflow timeout bounds retries: no attempt starts after the deadline', () => {
    const started = Date.now();
    const r = runProject({
      'workflow.yaml': 'version: 1\npolicy: { timeout: 1500ms }\ntasks:\n  a: { run: "sleep 0.3; exit 1", retry: { maxAttempts: 50, backoff: fixed, delay: 200ms } }\n  b: { run: "sleep 30" }\n  c: { run: "true", needs: b }\n',
    });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    const a = task(r.result, 'a');
    expect(a.attempts).toBeGreaterThanOrEqual(2);
    expect(a.attempts).toBeLessThanOrEqual(4);
    expect(ms(a.finishedAt) - ms(r.result.startedAt)).toBeLessThan(1500 + 1000);
    expect(task(r.result, 'b')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
    expect(task(r.result, 'c')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
    expect(r.result.reasons[0]).toContain('workflow timeout');
  });

  it('skips a chain of 10,000 dependents of a failure, and of a false `when`, one at a time (not one call deeper each)', () => {
    const chain = (first: string) => `version: 1\ntasks:\n  t0: ${first}\n${Array.from({ length: 9_999 }, (_, k) => `  t${k + 1}: { run: "true", needs: t${k} }\n`).join('')}  side: { run: "true" }\n`;
    const failed = runProject({ 'workflow.yaml': chain('{ run: "exit 3" }') });
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.result.tasks.filter((t: any) => t.status === 'skipped' && t.reason === 'dependency-failed')).toHaveLength(9_999);
    expect(task(failed.result, 'side').status).toBe('succeeded');
    // Every task has its one terminal event, the chain's in its order.
    const skips = failed.events.filter((e) => e.type === 'task.skipped').map((e) => e.taskId);
    expect(skips).toEqual(Array.from({ length: 9_999 }, (_, k) => `t${k + 1}`));
    const chosen = runProject({ 'workflow.yaml': chain('{ run: "true", when: "1 == 2" }') });
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.result.tasks.filter((t: any) => t.status === 'skipped')).toHaveLength(10_000);
  });

  it('--fail-fast, --keep-going and --timeout override the workflow policy for one run', () => {
    const isolated = 'version: 1\ntasks:\n  a: { run: "exit 3" }\n  b: { run: "sleep 2" }\n  c: { run: "true", needs: a }\n';
    // The workflow keeps going; --fail-fast stops the independent b at a's failure.
    const fast = runProject({ 'workflow.yaml': isolated }, ['--fail-fast']);
    expect(fast.code).toBe(1);
    expect(task(fast.result, 'b').status).toBe('cancelled');
    expect(fast.result.reasons.join(' ')).toContain('task "a" failed and cancellation is cascading');
    const plain = runProject({ 'workflow.yaml': isolated });
    expect(plain.code).toBe(1);
    expect(task(plain.result, 'b').status).toBe('succeeded');
    // A cascading workflow keeps going with -k.
    const cascading = isolated.replace('tasks:', 'policy: { cancellation: cascading }\ntasks:');
    const kept = runProject({ 'workflow.yaml': cascading }, ['-k']);
    expect(kept.code).toBe(1);
    expect(task(kept.result, 'b').status).toBe('succeeded');
    expect(task(kept.result, 'c')).toMatchObject({ status: 'skipped', reason: 'dependency-failed' });
    // --timeout bounds a run whose workflow has no deadline; it overrides one it has.
    const started = Date.now();
    const slow = runProject({ 'workflow.yaml': 'version: 1\npolicy: { timeout: 1h }\ntasks:\n  a: { run: "sleep 30" }\n' }, ['--timeout', '1s']);
    expect(slow.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(task(slow.result, 'a')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
    expect(slow.result.reasons[0]).toContain('workflow timeout of 1s');
  });

  it('refuses --fail-fast with --keep-going, and a --timeout that is not a duration above 0', () => {
    const dir = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    for (const args of [['--fail-fast', '--keep-going'], ['--timeout', '0'], ['--timeout', 'soon']]) {
      const r = cli(['run', 'workflow.yaml', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(args[0] === '--fail-fast' ? /--fail-fast.*cannot be used with.*--keep-going/ : /--timeout must be a duration above 0/);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
  });

  it('waits the retry delay written even when it is longer than the default maxDelay of 1m', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  flaky: { run: "exit 3", retry: { maxAttempts: 2, backoff: fixed, delay: 90s } }\n' });
    const run = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent', '--events', 'events.jsonl']);
    const retrying = () => (existsSync(join(dir, 'events.jsonl')) ? readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'task.retrying') : undefined);
    await waitFor(() => retrying() !== undefined, 'the first attempt to fail');
    expect(retrying()).toMatchObject({ taskId: 'flaky', attempt: 1, delayMs: 90_000 });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
  });

  it('waits at least what a failed attempt asks with a retry-after output (an API\'s Retry-After)', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  call-api:
    run: |
      if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo "retry-after=1.5" >> "$ORCHESTRATE_OUTPUT"; exit 75; fi
      echo ok
    retry: { maxAttempts: 2, backoff: fixed, delay: 10ms }
  sdk-style:
    run: |
      if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo "Retry-After=0.5" >> "$ORCHESTRATE_OUTPUT"; exit 75; fi
    retry: { maxAttempts: 2, backoff: fixed, delay: 10ms }
`,
    });
    expect(r.code).toBe(0);
    const retrying = r.events.find((e) => e.type === 'task.retrying' && e.taskId === 'call-api');
    expect(retrying.delayMs).toBe(1500);
    // The header's name as a script copies it: HTTP names ignore case.
    expect(r.events.find((e) => e.type === 'task.retrying' && e.taskId === 'sdk-style').delayMs).toBe(500);
    const starts = r.events.filter((e) => e.type === 'task.started' && e.taskId === 'call-api').map((e) => ms(e.ts));
    expect(starts[1]! - ms(retrying.ts)).toBeGreaterThanOrEqual(1450);
    expect(task(r.result, 'call-api').attempts).toBe(2);
  });

  it('holds an agent whose attempt asked to come back later: its other tasks wait as long, other tasks do not', () => {
    // The agent's API answers the first call with Retry-After: 3; its other calls are ready 0.3 s later.
    const r = runProject({
      'api.sh': '#!/bin/sh\nprompt=$(cat)\nif [ "$prompt" = first ] && [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo "retry-after=3" >> "$ORCHESTRATE_OUTPUT"; exit 75; fi\necho "answer to $prompt"\n',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 8 }
agents: { api: { command: sh ./api.sh } }
tasks:
  first: { agent: api, prompt: first, retry: { maxAttempts: 2, backoff: fixed, delay: 10ms } }
  later: { run: "sleep 0.3" }
  second: { agent: api, prompt: second, needs: later }
  third: { agent: api, prompt: third, needs: later }
  shell: { run: "true", needs: later }
`,
    });
    expect(r.code, r.stderr).toBe(0);
    const asked = ms(r.events.find((e) => e.type === 'task.retrying' && e.taskId === 'first').ts);
    const started = (id: string) => r.events.filter((e) => e.type === 'task.started' && e.taskId === id).map((e) => ms(e.ts));
    for (const id of ['second', 'third']) {
      expect(started(id)[0]! - asked, id).toBeGreaterThanOrEqual(2950);
      // The wait is queue wait: they were ready long before.
      expect(task(r.result, id).queueWaitMs, id).toBeGreaterThanOrEqual(2000);
    }
    // A task of no agent, ready at the same moment, is not held.
    expect(started('shell')[0]! - asked).toBeLessThan(2500);
    // The retry says so: on its event, and in the console's line for it.
    const retrying = r.events.find((e) => e.type === 'task.retrying');
    expect(retrying.holds).toBe('api');
    expect(formatEventLine(retrying)).toMatch(/ retry first in 3s: attempt 1 failed \(exit code 75\); agent api waits as long \(Retry-After\)$/);
    expect(task(r.result, 'first')).toMatchObject({ status: 'succeeded', attempts: 2 });
    // The result counts the held time as waits for the hold: the two tasks ready at 0.3 s (~2.7 s each);
    // the retry waits out its delay (as long as the hold) without being ready.
    const hold = r.result.waits.find((w: any) => w.limit === 'hold');
    expect(hold).toMatchObject({ name: 'api', tasks: 2 });
    expect(hold.capacity).toBeUndefined();
    expect(hold.seconds).toBeGreaterThanOrEqual(5);
    expect(validator('result')(r.result)).toBe(true);
  });

  it('respects agent concurrency and resources, and records queue waits', () => {
    const r = runProject({
      'agent.sh': '#!/bin/sh\ncat > /dev/null\nsleep 0.3\n',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 4 }
resources: { gpu: 1 }
agents: { solo: { command: sh ./agent.sh, concurrency: 1 } }
tasks:
  a1: { agent: solo }
  a2: { agent: solo }
  a3: { agent: solo }
  g1: { run: "sleep 0.3", resources: { gpu: 1 } }
  g2: { run: "sleep 0.3", resources: { gpu: 1 } }
`,
    });
    expect(r.code).toBe(0);
    const span = (id: string) => [ms(task(r.result, id).startedAt), ms(task(r.result, id).finishedAt)];
    const overlaps = (x: string, y: string) => span(x)[0]! < span(y)[1]! && span(y)[0]! < span(x)[1]!;
    expect(overlaps('a1', 'a2') || overlaps('a2', 'a3') || overlaps('a1', 'a3')).toBe(false);
    expect(overlaps('g1', 'g2')).toBe(false);
    const waits = ['a1', 'a2', 'a3'].map((id) => task(r.result, id).queueWaitMs).sort((a, b) => a - b);
    expect(waits[2]).toBeGreaterThanOrEqual(400);
    // The result names what they waited for: two of the agent's tasks, one gpu task; every wait counted once.
    expect(validator('result')(r.result)).toBe(true);
    const byLimit = Object.fromEntries(r.result.waits.map((w: any) => [`${w.limit}:${w.name}`, w]));
    expect(byLimit['agent:solo']).toMatchObject({ capacity: 1, tasks: 2 });
    expect(byLimit['agent:solo'].seconds).toBeGreaterThanOrEqual(0.8);
    expect(byLimit['agent:solo'].longest.seconds).toBeGreaterThanOrEqual(0.5);
    expect(byLimit['resource:gpu']).toMatchObject({ capacity: 1, tasks: 1 });
    const counted = r.result.waits.reduce((sum: number, w: any) => sum + w.seconds, 0);
    const waited = r.result.tasks.reduce((sum: number, t: any) => sum + t.queueWaitMs, 0) / 1000;
    expect(Math.abs(counted - waited)).toBeLessThan(0.02);
    // And the summary says so, the most waited for first.
    const summary = cli(['run', 'workflow.yaml', '--renderer', 'simple'], { cwd: r.dir });
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/\n {2}waited {5}agent solo: concurrency 1: 2 tasks, \S+ in all, longest a\d \S+; resource gpu: capacity 1: 1 task, \S+ \(g\d\)\n/);
  });

  it('runs at most maxParallel expansions of a matrix at once, written or from outputs; the others hold no slot; the plan knows', () => {
    const files = {
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 8 }
tasks:
  m: { run: "sleep 0.4", matrix: { n: [1, 2, 3, 4, 5] }, maxParallel: 2, estimate: 0.4 }
  other: { run: "sleep 0.4", estimate: 0.4 }
  list: { run: "printf '1\\n2\\n3\\n'", captureStdout: items, estimate: 0 }
  d: { run: "sleep 0.3", needs: list, matrix: { i: "\${{ tasks.list.outputs.items }}" }, maxParallel: 1, estimate: 0.3 }
`,
    };
    const r = runProject(files);
    expect(r.code, r.stderr).toBe(0);
    /** The most tasks among `ids` running at one time. */
    const mostAtOnce = (ids: string[]) => {
      const spans = ids.map((id) => [ms(task(r.result, id).startedAt), ms(task(r.result, id).finishedAt)] as const);
      return Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    };
    const m = [1, 2, 3, 4, 5].map((n) => `m[${n}]`);
    expect(m.map((id) => task(r.result, id).status)).toEqual(Array(5).fill('succeeded'));
    expect(mostAtOnce(m)).toBe(2);
    expect(mostAtOnce(['d[1]', 'd[2]', 'd[3]'])).toBe(1);
    // The waiting expansions held no slot: the independent task started with the first ones.
    const started = (id: string) => ms(task(r.result, id).startedAt);
    expect(started('other')).toBeLessThan(Math.max(...m.map(started)));
    expect(Math.max(...m.map((id) => task(r.result, id).queueWaitMs))).toBeGreaterThanOrEqual(600);
    // The plan's simulation holds the same limit: 5 × 0.4 s two at a time is three rounds.
    const dir = tempProject(files);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.estimate.wall).toBeCloseTo(1.2, 5);
    const unlimited = tempProject({ 'workflow.yaml': files['workflow.yaml'].replace('maxParallel: 2, ', '') });
    expect(JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: unlimited }).stdout).estimate.wall).toBeCloseTo(0.4, 5);
  });

  it('lint warns about maxParallel or failFast on a task without a matrix, at the key', () => {
    const dir = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true", maxParallel: 2, failFast: true }\n' });
    const r = cli(['lint', 'w.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/w\.yaml:3:21\s+warning\s+task "a" has `maxParallel` but no `matrix`: it acts on a matrix's expansions.*\[no-matrix\]/);
    expect(r.stdout).toMatch(/w\.yaml:3:37\s+warning\s+task "a" has `failFast` but no `matrix`.*\[no-matrix\]/);
  });

  it('failFast: the first expansion that fails for good cancels the others of its matrix, running or waiting; continueOnError does not', () => {
    const started = Date.now();
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 3 }
tasks:
  m:
    run: "if [ \${{ matrix.n }} = 1 ]; then exit 3; fi; sleep 20"
    matrix: { n: [1, 2, 3, 4, 5, 6] }
    failFast: true
  after: { run: "true", needs: m }
  list: { run: "printf '1\\n2\\n'", captureStdout: items }
  d:
    needs: list
    run: "if [ \${{ matrix.i }} = 1 ]; then sleep 0.3; exit 4; fi; sleep 20"
    matrix: { i: "\${{ tasks.list.outputs.items }}" }
    failFast: true
  allowed:
    run: "if [ \${{ matrix.n }} = 1 ]; then exit 5; fi; sleep 0.5"
    matrix: { n: [1, 2] }
    failFast: true
    continueOnError: true
`,
    });
    expect(r.code).toBe(1);
    // Nothing waited out a 20 s sleep.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(task(r.result, 'm[1]')).toMatchObject({ status: 'failed', exitCode: 3 });
    for (const n of [2, 3, 4, 5, 6]) expect(task(r.result, `m[${n}]`), `m[${n}]`).toMatchObject({ status: 'cancelled', reason: 'fail-fast' });
    // Some were running (terminated), some still queued: both end the same way, with one terminal event each.
    expect(r.events.filter((e) => e.type === 'task.started' && /^m\[[2-6]\]$/.test(e.taskId)).length).toBeGreaterThan(0);
    expect(task(r.result, 'after')).toMatchObject({ status: 'skipped' });
    expect(task(r.result, 'd[1]')).toMatchObject({ status: 'failed', exitCode: 4 });
    expect(task(r.result, 'd[2]')).toMatchObject({ status: 'cancelled', reason: 'fail-fast' });
    expect(task(r.result, 'allowed[2]').status).toBe('succeeded');
    for (const t of r.result.tasks) expect(r.events.filter((e) => e.taskId === t.id && /^task\.(succeeded|failed|skipped|cancelled)$/.test(e.type)), t.id).toHaveLength(1);
  });

  it('reads a prompt from a promptFile, with its templates; lint places its problems at the key; editing it changes the task', () => {
    const r = runProject({
      'agent.sh': '#!/bin/sh\ncat > "got-$ORCHESTRATE_TASK_ID.txt"\n',
      'prompts/review.md': 'Review ${{ params.file }} for ${{ inputs.who }}.\nContext: ${{ tasks.spec.outputs.path }}\n',
      'workflow.yaml': `version: 1
inputs: { who: { default: alice } }
agents: { rev: { command: sh ./agent.sh } }
tasks:
  spec: { run: "echo path=spec.md >> $ORCHESTRATE_OUTPUT" }
  review: { agent: rev, needs: spec, promptFile: prompts/review.md, params: { file: a.ts } }
`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(r.dir, 'got-review.txt'), 'utf8')).toBe('Review a.ts for alice.\nContext: spec.md\n');
    // A changed prompt file is a changed task: a resume runs it again, and only it.
    writeFileSync(join(r.dir, 'prompts/review.md'), 'Review ${{ params.file }} again.\n');
    const resumed = JSON.parse(cli(['run', 'workflow.yaml', '--resume', r.result.runId, '--json'], { cwd: r.dir }).stdout);
    expect(resumed.tasks.map((t: any) => [t.id, t.reason ?? null])).toEqual([['spec', 'reused'], ['review', null]]);
    expect(readFileSync(join(r.dir, 'got-review.txt'), 'utf8')).toBe('Review a.ts again.\n');

    const lint = (yaml: string) => JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: writeProject(r.dir, yaml) }).stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.column, d.message]);
    const head = 'version: 1\nagents: { rev: { command: cat } }\ntasks:\n';
    expect(lint(`${head}  a: { agent: rev, promptFile: prompts/nope.md }\n`)).toEqual([['bad-prompt-file', 4, 32, 'task "a": its promptFile "prompts/nope.md" cannot be read: no such file']]);
    expect(lint(`${head}  a: { agent: rev, promptFile: prompts, prompt: x }\n`)).toEqual([['bad-prompt-file', 4, 20, 'task "a" has both `prompt` and `promptFile`: give one']]);
    expect(lint(`${head}  a: { agent: rev, promptFile: prompts }\n`)).toEqual([['bad-prompt-file', 4, 32, 'task "a": its promptFile "prompts" is not a file']]);
    // Saved as Latin-1, its é is not UTF-8: the agent would get another text. UTF-16 with its byte order mark is read.
    writeFileSync(join(r.dir, 'prompts/latin1.md'), Buffer.from('Résumé ${{ params.file }}\n', 'latin1'));
    expect(lint(`${head}  a: { agent: rev, promptFile: prompts/latin1.md, params: { file: x } }\n`)).toEqual([['bad-prompt-file', 4, 32, 'task "a": its promptFile "prompts/latin1.md" holds a byte that is not UTF-8 (was it saved as Latin-1 or Windows-1252? save it as UTF-8), or U+FFFD, the mark a conversion leaves where it lost a character']]);
    writeFileSync(join(r.dir, 'prompts/utf16.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Résumé ${{ params.file }}\n', 'utf16le')]));
    const utf16 = writeProject(r.dir, `${head}  a: { agent: rev, promptFile: prompts/utf16.md, params: { file: x } }\n`);
    expect(JSON.parse(cli(['plan', 'w.yaml', '--commands', '--json'], { cwd: utf16 }).stdout).tasks[0].prompt).toBe('Résumé x\n');
    writeFileSync(join(r.dir, 'prompts/bad.md'), 'Use ${{ tasks.nope.outputs.x }}\n');
    expect(lint(`${head}  a: { agent: rev, promptFile: prompts/bad.md }\n`)).toEqual([['unknown-reference', 4, 32, 'task "a" uses ${{ tasks.nope.outputs.x }}, but there is no task "nope" (in prompts/bad.md)']]);
    // A prompt file another task writes is read before it runs: missing on the first run, an earlier run's file after.
    const handOn = ': hand its text on as an output instead (`captureStdout` on "gather", then `prompt: ${{ tasks.gather.outputs.KEY }}`), or have the agent\'s command read the file';
    const written = (artifact: string, cwd = '.') => `${head}  gather: { run: "echo > ctx.md", cwd: ${cwd}, artifacts: ["${artifact}"] }\n  a: { agent: rev, needs: gather, promptFile: prompts/ctx.md }\n`;
    expect(lint(written('ctx.md', 'prompts'))).toEqual([['bad-prompt-file', 5, 47, `task "a": its promptFile "prompts/ctx.md" cannot be read: no such file; it is read when the workflow is loaded, before any task runs, and task "gather" writes it (an artifact)${handOn}`]]);
    writeFileSync(join(r.dir, 'prompts/ctx.md'), 'from an earlier run\n');
    for (const [artifact, cwd] of [['ctx.md', 'prompts'], ['prompts/*.md', '.'], ['./prompts/ctx.md', '.']]) {
      expect(lint(written(artifact!, cwd)), artifact).toEqual([['stale-prompt-file', 5, 47, `task "a": its promptFile "prompts/ctx.md" is read when the workflow is loaded, before any task runs, so its prompt is the file as it was then, not what task "gather" writes there (an artifact)${handOn}`]]);
    }
    // Not another task's file, or the task's own: nothing to say.
    expect(lint(written('ctx.md'))).toEqual([]);
    expect(lint(`${head}  a: { agent: rev, promptFile: prompts/ctx.md, artifacts: [prompts/ctx.md] }\n`)).toEqual([]);
  });

  it('gives an agent the rendered prompt on stdin and in ORCHESTRATE_PROMPT, and params as JSON', () => {
    const r = runProject({
      'agent.sh': '#!/bin/sh\ncat > stdin.txt\nprintf %s "$ORCHESTRATE_PROMPT" > env.txt\nprintf %s "$ORCHESTRATE_PARAMS" > params.txt\n',
      'workflow.yaml': 'version: 1\nagents: { a: { command: sh ./agent.sh } }\ntasks:\n  t: { agent: a, prompt: "Review ${{ params.file }}", params: { file: x.ts, depth: 2 } }\n',
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.dir, 'stdin.txt'), 'utf8')).toBe('Review x.ts');
    expect(readFileSync(join(r.dir, 'env.txt'), 'utf8')).toBe('Review x.ts');
    expect(JSON.parse(readFileSync(join(r.dir, 'params.txt'), 'utf8'))).toEqual({ file: 'x.ts', depth: 2 });
  });

  it('emits heartbeats for running tasks', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntelemetry: { heartbeat: 200ms }\ntasks:\n  a: { run: "sleep 1" }\n' });
    const beats = r.events.filter((e) => e.type === 'task.heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0]).toMatchObject({ taskId: 'a', attempt: 1 });
  });

  it('streams 200 MB of task output to the log without growing the runner', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  loud: { run: "yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c 200000000" }\n' });
    const rssFile = join(dir, 'rss.txt');
    const r = spawnSync(process.execPath, ['--import', join(__dirname, '../helpers/report-rss.mjs'), BIN, 'run', 'workflow.yaml', '--json'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, ORCHESTRATE_TEST_RSS_FILE: rssFile }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(statSync(task(result, 'loud').logFile).size).toBeGreaterThan(200_000_000);
    // The runner and its spawner process (which streams the output) each report their peak.
    const peaks = readFileSync(rssFile, 'utf8').trim().split('\n').map((kb) => Number(kb) / 1024);
    expect(peaks.length).toBeGreaterThanOrEqual(2);
    // Node itself takes ~50-70 MB; the output must not be held in memory.
    for (const peakMb of peaks) expect(peakMb).toBeLessThan(150);
  }, 120_000);

  it('shows Listr2 progress lanes in a terminal and ends with the summary', () => {
    // Two of them cost something (an LLM's call): what the ended tasks spent shows beside the counts.
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\npolicy: { maxConcurrency: 3 }\ntasks:\n${Array.from({ length: 12 }, (_, i) => `  t${i}: { run: "sleep 0.1"${i < 2 ? ', cost: 0.125' : ''} }\n`).join('')}` });
    const r = runInTerminal(dir, 120, 40);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/slot 1: (t\d+|idle)/);
    expect(r.stdout).toMatch(/12\/12 done: 12 ok, 0 failed, 0 skipped, 0 cancelled, 0 retries; 0\.25 spent/);
    expect(r.stdout).toContain('workflow succeeded');
    // What stays on the screen, drawn after the last line was erased: the progress line, not a column of idle slots.
    const last = r.stdout.slice(r.stdout.lastIndexOf('\x1b[2K'));
    expect(last).toMatch(/12\/12 done: 12 ok/);
    expect(last).not.toMatch(/slot \d+:/);
  });

  it('shows beside a running task the last line it printed, as a terminal left it, where the row has room', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  agent: { run: "echo reading the sources; printf 'step 1\\\\rstep 2 of 3: editing src/a.ts\\\\n'; sleep 1.5" }
  quiet: { run: "sleep 1.5" }
` });
    const r = runInTerminal(dir, 120, 20);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/slot \d: agent {2}\S+ {2}\| step 2 of 3: editing src\/a\.ts/);
    expect(r.stdout).not.toMatch(/quiet {2}\S+ {2}\|/);
    // A terminal too narrow for it keeps the task's id and time whole.
    const narrow = runInTerminal(dir, 30, 20);
    expect(narrow.status).toBe(0);
    expect(narrow.stdout).toMatch(/slot \d: agent {2}\S+/);
    expect(narrow.stdout).not.toContain('| step');
  });

  it('says beside idle slots what the ready tasks wait for: an agent\'s concurrency, a rate limit and how long until it frees', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
policy: { maxConcurrency: 4 }
agents:
  one: { command: "cat > /dev/null; sleep 0.6", concurrency: 1 }
  llm: { command: "cat > /dev/null", rateLimit: { requests: 1, per: 2s } }
tasks:
  a: { agent: one, prompt: x, matrix: { n: [1, 2, 3] } }
  b: { agent: llm, prompt: y, matrix: { n: [1, 2] } }
` });
    const r = runInTerminal(dir, 120, 20);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/slot \d: idle; [12] waiting for agent one: concurrency 1/);
    expect(r.stdout).toMatch(/slot \d: idle; 1 waiting for agent llm: 1 start per 2s, \d+(\.\d+)?s more/);
  });

  it('notes in the live progress a task a condition skipped for an output never set, and not one it skipped by choice', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  review: { run: 'sleep 0.3; echo "answer=ok" >> $ORCHESTRATE_OUTPUT' }
  deploy: { needs: review, when: "tasks.review.outputs.verdict == 'ok'", run: "sleep 0.3" }
  chosen: { needs: review, when: "tasks.review.outputs.answer == 'no'", run: "true" }
` });
    const r = runInTerminal(dir, 160, 30);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain('↷ deploy skipped (condition): tasks.review.outputs.verdict reads empty: "review" set no output "verdict" (it set "answer")');
    expect(r.stdout).not.toMatch(/↷ chosen/);
  });

  it('names every lane by its slot, also in a run shorter than one refresh', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\npolicy: { maxConcurrency: 4 }\ntasks:\n  a: { run: "true" }\n' });
    const r = runInTerminal(dir, 120, 40);
    expect(r.status).toBe(0);
    const lanes = r.stdout.split(/\r?\n/).filter((line) => /\bidle\s*$/.test(line));
    expect(lanes.length).toBeGreaterThan(0);
    for (const line of lanes) expect(line).toMatch(/slot [1-4]: idle\s*$/);
  });

  it('shows as many lanes as the terminal has rows for, and counts the tasks running beyond them', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\npolicy: { maxConcurrency: 30 }\ntasks:\n${Array.from({ length: 40 }, (_, i) => `  t${i}: { run: "sleep 1" }\n`).join('')}` });
    const r = runInTerminal(dir, 120, 16);
    expect(r.status).toBe(0);
    // 16 rows: 9 lanes, the progress line, its notes and the summary's first line.
    expect(r.stdout).toMatch(/slot 9: t\d+/);
    expect(r.stdout).not.toMatch(/slot 10:/);
    expect(r.stdout).toMatch(/; \d+ more running than shown/);
    // The 10 beyond the concurrency of 30 wait, and are counted so, until slots free.
    expect(r.stdout).toMatch(/; 10 waiting/);
    expect(r.stdout).toMatch(/40\/40 done: 40 ok/);
  });

  it('keeps each lane and note to one row in a narrow terminal: a long id is cut in its middle, its time and reason kept', () => {
    const long = (n: number) => `review-of-a-long-file-path-number-${n}-that-goes-on-beyond-the-width`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\npolicy: { maxConcurrency: 3 }\ntasks:\n${[1, 2, 3].map((n) => `  ${long(n)}: { run: "sleep 0.6; exit ${n === 1 ? 1 : 0}" }\n`).join('')}` });
    const r = runInTerminal(dir, 50, 16);
    expect(r.status).toBe(1);
    const lines = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n').split(/\r?\n/);
    const lanes = lines.filter((line) => /slot \d+: /.test(line));
    expect(lanes.some((line) => line.includes('…'))).toBe(true);
    for (const line of lanes) {
      // The whole of it on one row: the slot, the start and end of the id, the time.
      expect(line, line).toMatch(/slot \d+: (idle|review-of[^ ]*…[^ ]*-width {2}\d+(\.\d+)?s)\s*$/);
      expect(line.trimEnd().length).toBeLessThanOrEqual(50);
    }
    const notes = lines.filter((line) => line.includes('✖ review'));
    expect(notes.length).toBeGreaterThan(0);
    for (const line of notes) expect(line, line).toMatch(/✖ review-of[^ ]*…[^ ]*-width: exit code 1\s*$/);
    // The line of counts too: without the counts that are 0 where the whole line would not fit.
    const counts = lines.filter((line) => line.includes(' done: '));
    expect(counts.length).toBeGreaterThan(0);
    for (const line of counts) expect(line.trimEnd().length, line).toBeLessThanOrEqual(50);
    expect(counts.at(-1)).toMatch(/3\/3 done: 2 ok, 1 failed\s*$/);
    // The summary below says it whole.
    expect(r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')).toContain(`✖ ${long(1)}: exit code 1`);
  });

  it('notes a service that ended on its own while the tasks that need it run, not one the run stopped', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  flaky: { run: "sleep 0.2; exit 3", service: true }\n  db: { run: "exec sleep 60", service: true }\n  user: { needs: [flaky, db], run: "sleep 1" }\n' });
    const r = runInTerminal(dir, 120, 40);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('✖ flaky: the service ended on its own (exit code 3)');
    expect(r.stdout).not.toMatch(/db: the service/);
  });

  it('ends the progress line with ✖ when a task failed, its counts in words that agree with them', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  bad: { run: "exit 3", retry: { maxAttempts: 2, delay: 10ms } }\n  good: { run: "true" }\n' });
    const r = runInTerminal(dir, 120, 40);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✖(\x1b\[\d+m)* 2\/2 done: 1 ok, 1 failed, 0 skipped, 0 cancelled, 1 retry\r?\n/);
  });

  it('reads CI=false and CI=0 as not in CI (progress lanes), and any other CI value as CI (plain lines)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  build: { run: "true" }\n' });
    for (const ci of ['false', '0', '']) {
      const r = runInTerminal(dir, 120, 40, ci);
      expect([ci, r.status]).toEqual([ci, 0]);
      expect([ci, /1\/1 done: 1 ok/.test(r.stdout)]).toEqual([ci, true]);
    }
    const inCi = runInTerminal(dir, 120, 40, 'true');
    expect(inCi.stdout).toMatch(/Z start build\r?\n/);
    expect(inCi.stdout).not.toMatch(/1\/1 done/);
  });

  it('prints plain lines in a terminal that reports no width (one character per line otherwise)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  build: { run: "true" }\n' });
    const r = runInTerminal(dir, 0, 0);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Z start build\r?\n/);
    expect(r.stdout).not.toContain('slot 1');
  });

  it('prints plain lines without colour in a terminal that cannot move its cursor (TERM=dumb, as in Emacs)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  build: { run: "exit 3" }\n' });
    const r = runInTerminal(dir, 120, 40, undefined, 'dumb');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Z start build\r?\n/);
    expect(r.stdout).toContain('✖ workflow failed');
    expect(r.stdout).not.toContain('\x1b');
    // The same terminal otherwise: lanes and colour.
    expect(runInTerminal(dir, 120, 40).stdout).toContain('\x1b[31m');
  });

  it('notes in the summary when agent tasks waited for the default limit, the CPU count: a fan-out of LLM calls held to few slots', () => {
    const n = availableParallelism() * 3;
    const workflow = (kind: string) => `version: 1
agents:
  llm: { command: "cat > /dev/null; sleep 0.2" }
tasks:
  find: { run: "seq ${n}", captureStdout: items }
  ask: { needs: find, matrix: { i: "\${{ tasks.find.outputs.items }}" }, ${kind} }
`;
    const dir = tempProject({ 'package.json': '{}', 'agents.yaml': workflow('agent: llm, prompt: "item ${{ matrix.i }}"'), 'shell.yaml': workflow('run: "sleep 0.2"') });
    const agents = cli(['run', 'agents.yaml'], { cwd: dir });
    expect(agents.code, agents.stderr).toBe(0);
    expect(agents.stdout).toMatch(new RegExp(`\\n  note {7}agent tasks waited \\S+ in all for concurrency ${availableParallelism()}, this machine's CPU count \\(policy\\.maxConcurrency's default\\); tasks that wait on an API rather than a CPU may run more at once: set policy\\.maxConcurrency \\(a number, or a share of the CPUs such as "400%"\\), or pass -n\\n`));
    // A limit chosen is not questioned, nor is the default for shell tasks, which use the CPUs.
    expect(cli(['run', 'agents.yaml', '-n', String(availableParallelism())], { cwd: dir }).stdout).not.toContain('  note ');
    expect(cli(['run', 'shell.yaml'], { cwd: dir }).stdout).not.toContain('  note ');
  });
});
