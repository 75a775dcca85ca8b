import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';
import { isAlive } from '../helpers/processes.js';

// provision creates something; work uses it and is interrupted; teardown must delete it even so.
const workflow = `version: 1
policy: { maxConcurrency: 4, gracePeriod: 1s }
tasks:
  provision: { run: "echo created > resource.txt" }
  work: { run: "echo $$ > work.pid; sleep 60", needs: provision }
  other: { run: "sleep 60", needs: provision }
  teardown:
    needs: [work, other]
    if: always
    runOnInterrupt: true
    run: "rm resource.txt && echo \${{ tasks.work.status }} > teardown.txt"
  on-failure:
    needs: work
    if: failure
    runOnInterrupt: true
    run: "echo failure > on-failure.txt"
  notify: { run: "echo notified > notified.txt", needs: teardown, if: always }
  after: { run: "echo after > after.txt", needs: work }
`;

function startRun(dir: string) {
  const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { ...process.env, CI: '1' } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

function terminalEvents(dir: string): Record<string, string> {
  const runs = join(dir, '.orchestrate/runs');
  const run = readdirSync(runs)[0]!;
  const events = readFileSync(join(runs, run, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; taskId?: string; reason?: string });
  return Object.fromEntries(events.filter((e) => /^task\.(succeeded|failed|skipped|cancelled)$/.test(e.type)).map((e) => [e.taskId, `${e.type.slice(5)}${e.reason ? `:${e.reason}` : ''}`]));
}

describe('runOnInterrupt', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('runs cleanup after %s once its needs have ended, and nothing else', async (signal, exitCode) => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const run = startRun(dir);
    await waitFor(() => existsSync(join(dir, 'work.pid')) && readFileSync(join(dir, 'work.pid'), 'utf8').trim() !== '');
    run.child.kill(signal);
    expect(await run.exited).toBe(exitCode);
    expect(isAlive(Number(readFileSync(join(dir, 'work.pid'), 'utf8')))).toBe(false);
    // What provision created is gone; teardown read how work ended.
    expect(existsSync(join(dir, 'resource.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'teardown.txt'), 'utf8').trim()).toBe('cancelled');
    expect(readFileSync(join(dir, 'on-failure.txt'), 'utf8').trim()).toBe('failure');
    expect(existsSync(join(dir, 'notified.txt'))).toBe(false);
    expect(existsSync(join(dir, 'after.txt'))).toBe(false);
    expect(terminalEvents(dir)).toEqual({
      provision: 'succeeded', work: 'cancelled:interrupted', other: 'cancelled:interrupted', teardown: 'succeeded',
      'on-failure': 'succeeded', notify: 'cancelled:interrupted', after: 'cancelled:interrupted',
    });
    expect(run.output()).toContain(`${signal} received, stopping; teardown, on-failure run on an interrupt (again to kill at once)`);
  });

  it('lets a cleanup already running finish, and a second Ctrl-C stops it and what waits', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { gracePeriod: 1s }
tasks:
  first: { run: "echo $$ > first.pid; sleep 60", if: always, runOnInterrupt: true }
  second: { run: "echo ran > second.txt", needs: first, if: always, runOnInterrupt: true }
`,
    });
    const run = startRun(dir);
    await waitFor(() => existsSync(join(dir, 'first.pid')) && readFileSync(join(dir, 'first.pid'), 'utf8').trim() !== '');
    const pid = Number(readFileSync(join(dir, 'first.pid'), 'utf8'));
    run.child.kill('SIGINT');
    await waitFor(() => run.output().includes('SIGINT received'));
    // Still running after the first Ctrl-C: it is cleanup.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isAlive(pid)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(dir, 'second.txt'))).toBe(false);
    expect(terminalEvents(dir)).toEqual({ first: 'cancelled:interrupted', second: 'cancelled:interrupted' });
  });

  it('runs cleanup after the workflow deadline too, which does not cut it short, as Argo runs its exit handler', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
policy: { timeout: 1s, gracePeriod: 1s, maxConcurrency: 4 }
tasks:
  provision: { run: "echo created > resource.txt" }
  work: { run: "sleep 60", needs: provision }
  teardown: { run: "rm resource.txt && echo \${{ tasks.work.status }} > teardown.txt", needs: work, if: always, runOnInterrupt: true }
  notify: { run: "echo notified > notified.txt", needs: work, if: always }
  early: { run: "sleep 2.5 && echo done > early.txt", if: always, runOnInterrupt: true }
`,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.result.status).toBe('failed');
    expect(r.result.reasons.join(' ')).toContain('the workflow timeout of 1s passed');
    expect(task(r.result, 'work')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
    // What provision created is gone; teardown read how work ended.
    expect(task(r.result, 'teardown').status).toBe('succeeded');
    expect(existsSync(join(r.dir, 'resource.txt'))).toBe(false);
    expect(readFileSync(join(r.dir, 'teardown.txt'), 'utf8').trim()).toBe('cancelled');
    expect(task(r.result, 'notify')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
    expect(existsSync(join(r.dir, 'notified.txt'))).toBe(false);
    // Started before the deadline, it ran on past it to its end.
    expect(task(r.result, 'early').status).toBe('succeeded');
    expect(readFileSync(join(r.dir, 'early.txt'), 'utf8').trim()).toBe('done');
  });

  it('does not fail a run whose deadline passes while only cleanup runs, which it does not bound; a task after that cleanup it does', () => {
    const done = runProject({ 'workflow.yaml': 'version: 1\npolicy: { timeout: 1s }\ntasks:\n  work: { run: "true" }\n  teardown: { run: "sleep 2", needs: work, if: always, runOnInterrupt: true }\n' });
    expect([done.code, done.result.status, done.result.reasons]).toEqual([0, 'succeeded', []]);
    expect(task(done.result, 'teardown').status).toBe('succeeded');
    const after = runProject({ 'workflow.yaml': 'version: 1\npolicy: { timeout: 1s }\ntasks:\n  work: { run: "true" }\n  teardown: { run: "sleep 2", needs: work, if: always, runOnInterrupt: true }\n  notify: { run: "true", needs: teardown, if: always }\n' });
    expect([after.code, after.result.status]).toEqual([1, 'failed']);
    expect(after.result.reasons).toEqual(['the workflow timeout of 1s passed']);
    expect(task(after.result, 'teardown').status).toBe('succeeded');
    expect(task(after.result, 'notify')).toMatchObject({ status: 'cancelled', reason: 'workflow-timeout' });
  });

  it('a resume runs again what a cleanup of the run it resumes needs, as the cleanup may have undone it', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  provision: { run: "echo vm-1 > vm.txt" }
  deploy: { run: "cat vm.txt > preview.txt", needs: provision }
  e2e: { run: "test -e fixed && cat preview.txt", needs: deploy }
  teardown: { run: "rm preview.txt", needs: [deploy, e2e], if: always, runOnInterrupt: true }
  report: { run: "true", needs: provision, if: always }
`,
    });
    expect(r.code).toBe(1);
    expect(task(r.result, 'teardown').status).toBe('succeeded');
    writeFileSync(join(r.dir, 'fixed'), '');
    const resumed = cli(['run', 'workflow.yaml', '--resume', '--json'], { cwd: r.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    // teardown deleted the preview deploy made: deploy makes it again, and e2e sees it.
    expect(Object.fromEntries(result.tasks.map((t: any) => [t.id, `${t.status}${t.reason ? `:${t.reason}` : ''}`]))).toEqual({
      provision: 'succeeded:reused', deploy: 'succeeded', e2e: 'succeeded', teardown: 'succeeded', report: 'succeeded:reused',
    });
    expect(task(result, 'e2e').outputs).toEqual({});
  });

  it('lint warns when it can never run: the task runs only when its needs succeed', () => {
    const dir = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a, runOnInterrupt: true }\n' });
    const r = cli(['lint', 'workflow.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/workflow\.yaml:4:\d+.*never-runs-on-interrupt|never-runs-on-interrupt[\s\S]*workflow\.yaml:4/);
  });
});
