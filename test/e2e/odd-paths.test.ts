import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { spawnSync } from 'node:child_process';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

// Paths a user writes may be anything: under a file (ENOTDIR), longer than a
// file name may be (ENAMETOOLONG), a loop of links (ELOOP). Each is a user's
// mistake with a message and an exit code, never a stack trace.
const LONG = 'a'.repeat(300);
const NO_BUG = /internal error|\n\s+at .+:\d+:\d+/;

describe('paths the system refuses', () => {
  it('lint and run refuse files under a file or with too long a name, with exit 2', () => {
    const dir = tempProject({ 'ok.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const under = cli(['lint', 'ok.yaml/x'], { cwd: dir });
    expect([under.code, under.stderr]).toEqual([2, 'orchestrate: cannot read ok.yaml/x: a parent is not a directory\n']);
    const long = cli(['lint', LONG], { cwd: dir });
    expect([long.code, long.stderr]).toEqual([2, `orchestrate: cannot read ${LONG}: the name is too long\n`]);
    const plan = cli(['plan', `${LONG}.yaml`], { cwd: dir });
    expect(plan.code).toBe(2);
    expect(plan.stderr).not.toMatch(NO_BUG);
    // The run's result cannot be written there: the run still runs and keeps its exit code, with a warning.
    const result = cli(['run', 'ok.yaml', '--result', LONG], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(NO_BUG);
    expect(result.stderr).toContain('the name is too long');
  });

  it('a --state that is a directory, under a file or too long a name is refused, saying why', () => {
    const dir = tempProject({ 'package.json': '{}', 'ok.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', 'states/.keep': '' });
    const cases = [
      ['states', 'cannot read the state file', 'is a directory'],
      ['ok.yaml/state.db', 'cannot create', 'a file is in the way of a directory'],
      [`${LONG}.db`, 'cannot create the state file', 'unable to open database file'],
    ];
    for (const [state, what, why] of cases) {
      const r = cli(['run', 'ok.yaml', '--state', state], { cwd: dir });
      expect([state, r.code]).toEqual([state, 2]);
      expect(r.stderr).not.toMatch(NO_BUG);
      expect(r.stderr).toContain(what);
      expect(r.stderr).toContain(why);
    }
    // Commands that only read the history say the same of a directory.
    const history = cli(['history', '--state', 'states'], { cwd: dir });
    expect([history.code, history.stderr]).toEqual([2, `orchestrate: cannot read the state file ${dir}/states: is a directory\n`]);
  });

  it('a working directory under a file or with too long a name is a lint warning and a failed task', () => {
    for (const cwd of ['ok.yaml/x', LONG]) {
      const dir = tempProject({ 'ok.yaml': '', 'workflow.yaml': `version: 1\ntasks:\n  a: { run: "true", cwd: ${cwd} }\n  b: { run: "true" }\n` });
      const lint = cli(['lint', 'workflow.yaml'], { cwd: dir });
      expect(lint.code).toBe(0);
      expect(lint.stdout).toContain(`task "a" runs in ${cwd}, which does not exist (yet?)`);
      const r = runProject({ 'ok.yaml': '', 'workflow.yaml': `version: 1\ntasks:\n  a: { run: "true", cwd: ${cwd} }\n  b: { run: "true" }\n` });
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(NO_BUG);
      expect(task(r.result, 'a').errors[0].message).toMatch(/^could not start: the working directory \S+ does not exist$/);
      expect(task(r.result, 'b').status).toBe('succeeded');
    }
  });

  it('an include under a file or with too long a name is bad-include, saying why', () => {
    const dir = tempProject({
      'ok.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n',
      'workflow.yaml': `version: 1\ninclude:\n  x: ok.yaml/x\n  y: ${LONG}\ntasks:\n  a: { run: "true" }\n`,
    });
    const lint = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(lint.stderr).not.toMatch(NO_BUG);
    expect(JSON.parse(lint.stdout)[0].diagnostics.map((d: any) => [d.code, d.line, d.message])).toEqual([
      ['bad-include', 3, 'cannot include "ok.yaml/x": a parent is not a directory'],
      ['bad-include', 4, `cannot include "${LONG}": the name is too long`],
    ]);
  });

  it('a task that turns its outputs and summary files into loops of links harms no other task', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  loop: { run: 'ln -s "$ORCHESTRATE_OUTPUT" "$ORCHESTRATE_OUTPUT" && ln -s "$ORCHESTRATE_SUMMARY" "$ORCHESTRATE_SUMMARY"' }
  other: { run: 'sleep 0.3; echo x=1 >> "$ORCHESTRATE_OUTPUT"' }
`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(task(r.result, 'loop')).toMatchObject({ status: 'succeeded', outputs: {} });
    expect(task(r.result, 'loop').summary).toBeUndefined();
    expect(task(r.result, 'other')).toMatchObject({ status: 'succeeded', outputs: { x: '1' } });
  });

  it('a task that turns its outputs or summary file into a pipe or a device holds nothing up', () => {
    // Read as files, a pipe without a writer blocks for ever and /dev/zero never ends.
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  pipe: { run: 'rm -f "$ORCHESTRATE_OUTPUT" && mkfifo "$ORCHESTRATE_OUTPUT" && mkfifo "$ORCHESTRATE_SUMMARY"' }
  zero: { run: 'ln -s /dev/zero "$ORCHESTRATE_OUTPUT" && ln -s /dev/zero "$ORCHESTRATE_SUMMARY"' }
  other: { run: 'sleep 0.3; echo x=1 >> "$ORCHESTRATE_OUTPUT"' }
`,
    });
    expect(r.code, r.stderr).toBe(0);
    for (const id of ['pipe', 'zero']) {
      expect(task(r.result, id)).toMatchObject({ status: 'succeeded', outputs: {} });
      expect(task(r.result, id).summary).toBeUndefined();
      expect(readFileSync(task(r.result, id).logFile, 'utf8')).toContain('$ORCHESTRATE_OUTPUT was replaced by something other than a file: no outputs read');
    }
    expect(task(r.result, 'other')).toMatchObject({ status: 'succeeded', outputs: { x: '1' } });
  });

  it('a config or dotenv file that never ends (/dev/zero) is refused, not read for ever', () => {
    const dir = tempProject({ 'ok.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n', 'dz.yaml': 'version: 1\ndotenv: [/dev/zero]\ntasks:\n  a: { run: "true" }\n' });
    for (const command of ['lint', 'plan', 'run']) {
      const r = cli([command, 'ok.yaml', '-c', '/dev/zero'], { cwd: dir, timeout: 30_000 });
      expect(r.code, command).toBe(command === 'lint' ? 1 : 2);
      expect(r.stdout + r.stderr).toContain('/dev/zero:1:1  error  the config file is larger than 64 MB: refusing to load it  [config-error]');
    }
    const dotenv = cli(['run', 'dz.yaml'], { cwd: dir, timeout: 30_000 });
    expect(dotenv.code).toBe(2);
    expect(dotenv.stdout + dotenv.stderr).toContain('dz.yaml:2:10  error  the dotenv file /dev/zero is larger than 64 MB: not read  [bad-dotenv]');
  });

  it('watches sources with too long a name without stopping', async () => {
    const dir = tempProject({ 'workflow.yaml': `version: 1\ntasks:\n  a: { run: "true", sources: [${LONG}] }\n` });
    const watch = startCli(dir, ['run', 'workflow.yaml', '--watch', '--renderer', 'simple']);
    await waitFor(() => watch.output().includes('orchestrate: watching'), 'the watch to start');
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(130);
    expect(watch.output()).not.toMatch(NO_BUG);
  });
});

describe('a workflow file reached through a symbolic link', () => {
  it('belongs where the link is: its tasks run there, and the history and runs are that project\'s', () => {
    const root = tempProject({
      'shared/ci.yaml': 'version: 1\ntasks:\n  build: { run: "cat input.txt > built.txt", sources: [input.txt], artifacts: [built.txt] }\n',
      'one/package.json': '{}', 'one/input.txt': 'one\n',
      'two/package.json': '{}', 'two/input.txt': 'two\n',
    });
    for (const project of ['one', 'two']) {
      symlinkSync('../shared/ci.yaml', join(root, project, 'ci.yaml'));
      const r = cli(['run', 'ci.yaml', '--renderer', 'silent'], { cwd: join(root, project) });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(root, project, 'built.txt'), 'utf8')).toBe(`${project}\n`);
      expect(existsSync(join(root, project, '.orchestrate/state.db'))).toBe(true);
    }
    expect(existsSync(join(root, 'shared/built.txt')) || existsSync(join(root, 'shared/.orchestrate'))).toBe(false);
    // From elsewhere, through the link: still that project's, up to date there.
    const again = JSON.parse(cli(['run', join(root, 'one/ci.yaml'), '--json'], { cwd: root }).stdout);
    expect(again.tasks.map((t: any) => [t.id, t.reason])).toEqual([['build', 'up-to-date']]);
  });
});

describe('a working directory that no longer exists', () => {
  it('is said in one line, exit 2, by every command: no stack trace', () => {
    const root = tempProject({ 'w.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    for (const args of [['run', join(root, 'w.yaml')], ['lint', join(root, 'w.yaml')], ['history'], ['--version']]) {
      // The shell goes into a directory, which is then removed under it (a `git clean`, a branch switch).
      const r = spawnSync('sh', ['-c', 'mkdir gone && cd gone && rmdir ../gone && exec "$0" "$@"', process.execPath, BIN, ...args], { cwd: root, encoding: 'utf8' });
      expect([args[0], r.status, r.stderr]).toEqual([args[0], 2, 'orchestrate: the current directory no longer exists (it was removed while the shell was in it): cd to one that does\n']);
    }
  });
});
