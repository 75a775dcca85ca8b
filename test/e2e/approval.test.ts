import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';
import { waitFor } from '../helpers/wait.js';

const workflow = `version: 1
tasks:
  plan: { run: 'echo "summary=3 changes" >> "$ORCHESTRATE_OUTPUT"' }
  apply:
    needs: plan
    approval: "Apply \${{ tasks.plan.outputs.summary }}?"
    run: echo applied > applied.txt
  notify: { run: 'true', needs: apply }
`;

const events = (dir: string, runId: string) => readFileSync(join(dir, '.orchestrate/runs', runId, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('approval', () => {
  it('waits for `orchestrate approve`, from another terminal, before the task starts', async () => {
    const dir = tempProject({ 'orchestrate.yaml': workflow });
    const run = startCli(dir, ['run', '--renderer', 'simple']);
    await waitFor(() => run.stdout().includes(' wait  apply'), 'the task to wait for approval');
    expect(run.stdout()).toMatch(/ wait {2}apply: Apply 3 changes\? \(orchestrate approve apply, or reject apply\)\n/);
    // Shell completion offers the tasks that wait.
    expect(cli(['__complete', '--', 'approve', ''], { cwd: dir }).stdout).toBe('nofiles\napply\n');
    const status = cli(['status'], { cwd: dir });
    expect(status.stdout).toContain('  approval apply: Apply 3 changes? (orchestrate approve apply, or reject apply)\n');
    expect(JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout).awaiting).toMatchObject([{ task: 'apply', message: 'Apply 3 changes?' }]);
    // A typo decides nothing, and says what waits.
    const typo = cli(['approve', 'aply', 'apply'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('orchestrate: task "aply" is not waiting for approval in a run going on on this machine (did you mean "apply"?) (waiting: apply)\n');
    const plain = cli(['approve', 'plan'], { cwd: dir });
    expect(plain.code).toBe(2);
    expect(run.stdout()).not.toContain('start apply');
    const approved = cli(['approve', 'apply'], { cwd: dir });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/^approved apply \(run \S+, orchestrate\)\n$/);
    expect(await run.exited).toBe(0);
    expect(readFileSync(join(dir, 'applied.txt'), 'utf8')).toBe('applied\n');
    expect(run.stdout()).toMatch(/ approved apply by \S+\n.* start apply\n/);
    // Who approved it is in the summary, and in the result.
    expect(run.stdout()).toMatch(/\n {2}approved {3}apply by \S+\n/);
    // The wait for the person is said beside the wall time.
    expect(run.stdout()).toMatch(/\n {2}time {7}wall \S+ \(\S+ of it waiting for approval\), serial /);
    const runId = /run (\S+):/.exec(run.stdout())![1]!;
    const stream = events(dir, runId);
    expect(stream.every((e) => validator('events')(e))).toBe(true);
    expect(stream.filter((e) => e.taskId === 'apply').map((e) => e.type)).toEqual(['task.waiting', 'task.approved', 'task.queued', 'task.started', 'task.succeeded']);
    // Decided once: it no longer waits, and the run has ended.
    const again = cli(['approve', 'apply'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('orchestrate: no run is going on on this machine\n');
    expect(cli(['approve', 'apply', '--run', runId], { cwd: dir }).stderr).toBe(`orchestrate: run ${runId} is not going on on this machine: it ended succeeded\n`);
    // Pruning the run forgets its decisions with it. --yes asks nobody, and says nothing on stderr.
    const yes = cli(['run', '--yes', '--renderer', 'silent'], { cwd: dir });
    expect(yes.code).toBe(0);
    expect(yes.stderr).toBe('');
    const pruned = cli(['prune', '--keep', '1'], { cwd: dir });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/^removed 1 run /);
  });

  it('fails a rejected task, with who rejected it and why, and skips what needs it', async () => {
    // A question of several lines (an agent's summary) is shown on one line, its newlines escaped.
    const dir = tempProject({ 'orchestrate.yaml': workflow.replace(`'echo "summary=3 changes" >> "$ORCHESTRATE_OUTPUT"'`, `'printf "summary<<EOF\\n3 changes\\n\\033[31mred\\nEOF\\n" >> "$ORCHESTRATE_OUTPUT"'`) });
    const run = startCli(dir, ['run', '--json']);
    await waitFor(() => cli(['status'], { cwd: dir }).stdout.includes('approval apply'), 'the task to wait for approval');
    expect(cli(['status'], { cwd: dir }).stdout).toContain('  approval apply: Apply 3 changes\\n\\u001b[31mred? (orchestrate approve apply, or reject apply)\n');
    // With --json on stdout, the question still reaches the console, on stderr.
    await waitFor(() => run.stderr().includes(' wait  apply'), 'the question on stderr');
    expect(run.stderr()).toMatch(/ wait {2}apply: Apply 3 changes\\n\\u001b\[31mred\? \(orchestrate approve apply, or reject apply\)\n/);
    const rejected = cli(['reject', 'apply', '--reason', 'not on a Friday'], { cwd: dir });
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toMatch(/^rejected apply \(run /);
    expect(await run.exited).toBe(1);
    const result = JSON.parse(run.stdout());
    expect(validator('result')(result)).toBe(true);
    expect(result.tasks.map((t: any) => [t.id, t.status])).toEqual([['plan', 'succeeded'], ['apply', 'failed'], ['notify', 'skipped']]);
    expect(result.tasks[1].attempts).toBe(0);
    expect(result.tasks[1].errors).toMatchObject([{ kind: 'rejected', message: expect.stringMatching(/^rejected by \S+: not on a Friday$/) }]);
  });

  it('says how long the run only waited for a person: not while another task ran, though a service was up', () => {
    // deploy asks at once and nobody answers for 2 s; slow runs the first second of it, the service all of it.
    const dir = tempProject({ 'orchestrate.yaml': `version: 1
tasks:
  db: { run: "exec sleep 60", service: true }
  slow: { run: "sleep 1" }
  deploy: { needs: db, approval: { message: "Deploy?", timeout: 2s }, run: "true" }
` });
    const r = cli(['run', '--json'], { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(validator('result')(result)).toBe(true);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/ · wall \S+ \(\S+ of it waiting for approval\), serial /);
    const { approvalWaitTime, wallTime } = result.metrics;
    // About 1 s: the 2 s of the question less the second slow ran (not 0 for the service, not 2 s).
    expect(approvalWaitTime).toBeGreaterThan(0.5);
    expect(approvalWaitTime).toBeLessThan(1.7);
    expect(approvalWaitTime).toBeLessThan(wallTime);
    expect(result.merged.summary).toMatch(/ in \S+ \(\S+x vs serial; \S+ waiting for approval\);/);
    // The run's last event keeps it, for the report of the run.
    const finished = events(dir, result.runId).at(-1);
    expect(validator('events')(finished)).toBe(true);
    expect(finished.approvalWaitMs).toBe(Math.round(approvalWaitTime * 1000));
    const page = readFileSync(join(dir, cli(['report'], { cwd: dir }).stdout.trim()), 'utf8');
    expect(page).toMatch(/ · wall \S+ \(\S+ of it waiting for approval\) · serial /);
    // Nobody asked: no wait.
    const plain = JSON.parse(cli(['run', 'orchestrate.yaml', '--yes', '--json'], { cwd: dir }).stdout);
    expect(plain.metrics.approvalWaitTime).toBe(0);
  });

  it('is rejected when nobody decides within its timeout, and what needs it is skipped; a decision in time stands', async () => {
    const timed = (timeout: string) => `version: 1
tasks:
  plan: { run: 'echo "summary=3 changes" >> "$ORCHESTRATE_OUTPUT"' }
  apply:
    needs: plan
    approval: { message: "Apply \${{ tasks.plan.outputs.summary }}?", timeout: ${timeout} }
    run: echo applied > applied.txt
  notify: { run: 'true', needs: apply }
`;
    const dir = tempProject({ 'orchestrate.yaml': timed('1s') });
    const r = cli(['run', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.tasks.map((t: any) => [t.id, t.status, t.reason ?? null, t.attempts])).toEqual([
      ['plan', 'succeeded', null, 1], ['apply', 'failed', null, 0], ['notify', 'skipped', 'dependency-failed', 0],
    ]);
    expect(result.tasks[1].errors).toEqual([{ attempt: 1, kind: 'rejected', message: 'rejected: nobody decided within 1s' }]);
    const waited = events(dir, result.runId);
    expect(waited.find((e) => e.type === 'task.waiting')).toMatchObject({ taskId: 'apply', message: 'Apply 3 changes?' });
    // Approved before its timeout, it runs; the timeout passing later changes nothing, and the run does not wait for it.
    const again = tempProject({ 'orchestrate.yaml': timed('1h') });
    const run = startCli(again, ['run', '--renderer', 'simple']);
    await waitFor(() => run.stdout().includes(' wait  apply'), 'the task to wait for approval');
    expect(cli(['approve', 'apply'], { cwd: again }).code).toBe(0);
    expect(await run.exited).toBe(0);
    expect(readFileSync(join(again, 'applied.txt'), 'utf8')).toBe('applied\n');
  });

  it('asks which run when the task waits in two, and decides for the one named', async () => {
    const dir = tempProject({ 'orchestrate.yaml': workflow });
    const first = startCli(dir, ['run', '--renderer', 'simple']);
    const second = startCli(dir, ['run', '--renderer', 'simple']);
    await waitFor(() => first.stdout().includes(' wait  apply') && second.stdout().includes(' wait  apply'), 'both runs to wait');
    const ids = [first, second].map((r) => /run (\S+):/.exec(r.stdout())![1]!);
    const both = cli(['approve', 'apply'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^orchestrate: task "apply" waits for approval in 2 runs \(\S+, \S+\): name one with --run\n$/);
    expect(cli(['reject', 'apply', '--run', ids[1]!], { cwd: dir }).code).toBe(0);
    expect(await second.exited).toBe(1);
    // Now it waits in one run only.
    expect(cli(['approve', 'apply'], { cwd: dir }).stdout).toContain(`approved apply (run ${ids[0]}, orchestrate)`);
    expect(await first.exited).toBe(0);
  });

  it('approves every approval with --yes, and is cancelled by Ctrl-C while it waits', async () => {
    const dir = tempProject({ 'orchestrate.yaml': workflow });
    const yes = cli(['run', '--yes', '--renderer', 'simple'], { cwd: dir });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/ approved apply by --yes\n/);
    // In CI nobody is there to approve: the task is refused at once, saying how to approve it, and --yes still approves.
    const ci = cli(['run', '--renderer', 'simple'], { cwd: dir, env: { CI: 'true' } });
    expect(ci.code).toBe(1);
    expect(ci.stdout).toMatch(/ FAIL {2}apply: rejected: CI is set and nobody is there to approve it: run with --yes to approve it\n/);
    expect(ci.stdout).toMatch(/ skip {2}notify \(dependency-failed\)\n/);
    expect(cli(['run', '--yes'], { cwd: dir, env: { CI: 'true' } }).code).toBe(0);

    const run = startCli(dir, ['run', '--renderer', 'simple']);
    await waitFor(() => run.stdout().includes(' wait  apply'), 'the task to wait for approval');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stdout()).toMatch(/ cancel apply \(interrupted\)\n/);
  });

  it('shows the wait in a terminal\'s live progress', async () => {
    const dir = tempProject({ 'orchestrate.yaml': workflow, 'run.sh': `${process.execPath} ${BIN} run\n` });
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.CI;
    const child = spawn('script', ['-qec', 'stty cols 160 rows 30; sh run.sh', '/dev/null'], { cwd: dir, env });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await waitFor(() => out.includes('1 awaiting approval') && out.includes('⏸ apply waits'), 'the progress line to count the task, and its note');
      expect(out).toContain('⏸ apply waits for approval: Apply 3 changes? (orchestrate approve apply, or reject apply)');
      expect(cli(['approve', 'apply'], { cwd: dir }).code).toBe(0);
    } finally {
      // A run left waiting in the terminal would wait for ever: the decision is written whatever failed.
      cli(['reject', 'apply'], { cwd: dir });
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/3\/3 done: 3 ok/);
  });

  it('is approved by the id the run shows, also when a secret in it is masked', async () => {
    const dir = tempProject({ 'orchestrate.yaml': 'version: 1\ninputs: { api_token: {} }\ntasks:\n  deploy: { run: "true", matrix: { t: "${{ inputs.api_token }}" }, approval: true }\n' });
    const run = startCli(dir, ['run', '-i', 'api_token=s3cretvalue', '--renderer', 'simple']);
    await waitFor(() => run.stdout().includes(' wait  deploy'), 'the task to wait for approval');
    expect(run.stdout()).toContain("wait  deploy[***]: run deploy[***]? (orchestrate approve 'deploy[***]', or reject 'deploy[***]')\n");
    expect(cli(['approve', 'deploy[***]'], { cwd: dir }).code).toBe(0);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).not.toContain('s3cretvalue');
  });

  it('is in the plan and the list, and lint checks its templates', () => {
    const dir = tempProject({ 'orchestrate.yaml': workflow, 'typo.yaml': workflow.replace('tasks.plan.outputs', 'tasks.plna.outputs') });
    expect(cli(['list'], { cwd: dir }).stdout).toContain('  apply   needs plan; waits for approval\n');
    expect(JSON.parse(cli(['list', '--json'], { cwd: dir }).stdout).tasks.map((t: any) => t.approval)).toEqual([false, true, false]);
    const plan = cli(['plan'], { cwd: dir });
    expect(plan.stdout).toContain("Approval: 1 task waits for a person's approval (the wait is not counted): apply\n");
    const json = JSON.parse(cli(['plan', '--json'], { cwd: dir }).stdout);
    expect(validator('plan')(json)).toBe(true);
    expect(json.tasks.map((t: any) => t.approval ?? false)).toEqual([false, true, false]);
    const lint = cli(['lint', 'typo.yaml'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('typo.yaml:6:22  error  task "apply" uses ${{ tasks.plna.outputs.summary }}, but there is no task "plna" (did you mean "plan"?)  [unknown-reference]');
    // The form with a timeout: its message is checked where it is, and a timeout of 0 could never be met.
    writeFileSync(join(dir, 'timed.yaml'), 'version: 1\ntasks:\n  a: { run: "true", approval: { message: "Go ${{ tasks.nope.outputs.x }}?", timeout: 0 } }\n  b: { run: "true", approval: { mesage: "Go?" } }\n');
    const timed = cli(['lint', 'timed.yaml'], { cwd: dir });
    expect(timed.stdout).toContain('timed.yaml:3:46  error  task "a" uses ${{ tasks.nope.outputs.x }}, but there is no task "nope"  [unknown-reference]');
    expect(timed.stdout).toContain('timed.yaml:3:86  error  tasks.a.approval.timeout must be greater than 0: nobody could decide in no time, and the task would be rejected at once  [bad-duration]');
    expect(timed.stdout).toContain('timed.yaml:4:33  error  unknown key "mesage" in tasks.b.approval (did you mean "message"?)  [unknown-key]');
  });
});
