import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../helpers/sqlite.js';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

describe('orchestrate cancel', () => {
  it('stops the run going on, as SIGTERM does, waits until it has, and says so; refuses what is not going on', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  long: { run: "touch started; sleep 40 # cancel-test-marker" }\n  after: { run: "true", needs: long }\n' });
    const { exited } = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    await waitFor(() => existsSync(join(dir, 'started')), 'the task to start');
    const cancelled = cli(['cancel'], { cwd: dir });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/^cancelled run \S+ \(workflow\): cancelled\n$/);
    // It had ended when cancel returned: the runner exited as SIGTERM makes it, and no task is left.
    expect(await exited).toBe(143);
    expect(spawnSync('pgrep', ['-f', 'cancel-test-marker']).status).toBe(1);
    const [record] = JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout);
    expect(record.status).toBe('cancelled');
    const again = cli(['cancel'], { cwd: dir });
    expect([again.code, again.stderr]).toEqual([2, 'orchestrate: no run is going on on this machine\n']);
    const byId = cli(['cancel', record.id], { cwd: dir });
    expect(byId.code).toBe(2);
    expect(byId.stderr).toMatch(new RegExp(`^orchestrate: run ${record.id} is not going on: it ended cancelled at \\S+\\n$`));
    // A run without an end whose runner is on another machine is not ours to stop.
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    db.prepare("UPDATE runs SET finished_at = NULL, runner_host = 'elsewhere' WHERE id = ?").run(record.id);
    db.close();
    expect(cli(['cancel', record.id], { cwd: dir }).stderr).toBe(`orchestrate: run ${record.id} was started on elsewhere: cancel it there\n`);
    expect(cli(['cancel', 'nope'], { cwd: dir }).stderr).toBe('orchestrate: no run "nope" in the history\n');
  });

  it('stops a run suspended by Ctrl-Z (SIGTSTP), which acts on SIGTERM only once it runs again', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  long: { run: "touch started; sleep 40 # cancel-suspended-marker" }\n' });
    const { child, exited } = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    await waitFor(() => existsSync(join(dir, 'started')), 'the task to start');
    child.kill('SIGTSTP');
    await waitFor(() => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T'), 'the runner to stop', 10_000);
    const cancelled = cli(['cancel'], { cwd: dir });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/^cancelled run \S+ \(workflow\): cancelled\n$/);
    expect(await exited).toBe(143);
    expect(spawnSync('pgrep', ['-f', 'cancel-suspended-marker']).status).toBe(1);
  });

  it('--force kills the tasks at once, not waiting out a grace period that a task ignoring SIGTERM would use up', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': "version: 1\npolicy: { gracePeriod: 5m }\ntasks:\n  stubborn: { run: \"trap '' TERM; touch started; sleep 300 # cancel-force-marker\" }\n" });
    const { exited } = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    await waitFor(() => existsSync(join(dir, 'started')), 'the task to start');
    const started = Date.now();
    const cancelled = cli(['cancel', '--force'], { cwd: dir });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    // Well inside the 5-minute grace period a plain cancel would give the task (generous: a loaded machine).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await exited).toBe(143);
    expect(spawnSync('pgrep', ['-f', 'cancel-force-marker']).status).toBe(1);
    const [record] = JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout);
    expect(record.status).toBe('cancelled');
  });

  it('takes a runner killed but not reaped yet (a zombie, which a container\'s first process may keep) for ended', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  long: { run: "touch started; sleep 40 # cancel-zombie-marker" }\n' });
    // The shell becomes `sleep`, which never waits for its children: the runner, once killed, stays a zombie while it lives.
    const parent = spawn('sh', ['-c', `"$0" "$1" run workflow.yaml --renderer silent >/dev/null 2>&1 & echo $! > runner.pid; exec sleep 120`, process.execPath, BIN], { cwd: dir, stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(join(dir, 'started')), 'the task to start');
      const pid = Number(readFileSync(join(dir, 'runner.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      await waitFor(() => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'), 'the runner to be a zombie', 10_000);
      const status = cli(['status'], { cwd: dir });
      expect(status.stdout).toMatch(/^run \S+ \(workflow\) unfinished after /);
      const cancelled = cli(['cancel'], { cwd: dir, timeout: 30_000 });
      expect([cancelled.code, cancelled.stderr]).toEqual([2, 'orchestrate: no run is going on on this machine\n']);
      // The spawner took the task with the runner.
      await waitFor(() => spawnSync('pgrep', ['-f', 'cancel-zombie-marker']).status === 1, 'the task to end', 10_000);
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
