import { open } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { noOpTasks, runWithEventsPipe } from '../helpers/events-pipe.js';

const workflow = `version: 1
tasks:
  build:
    sources: [src]
    artifacts: [dist/out.txt]
    run: mkdir -p dist && cat src/*.txt > dist/out.txt && echo x >> build.ran
  test:
    needs: build
    sources: [dist]
    run: echo x >> test.ran
`;

const count = (dir: string, name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n').length : 0);

describe('run --watch', () => {
  it('runs again when a source or the workflow file changes, waits out an invalid workflow, and stops on Ctrl-C', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow, 'src/a.txt': 'a\n' });
    const { child, exited, output } = startCli(dir, ['run', 'workflow.yaml', '--watch', '--renderer', 'silent']);
    const watching = () => output().split('orchestrate: watching').length - 1;
    try {
      await waitFor(() => watching() === 1, 'the first run');
      // What the run wrote itself (build's artifact, test's source) did not start another run.
      expect([count(dir, 'build.ran'), count(dir, 'test.ran')]).toEqual([1, 1]);
      expect(output()).toContain('orchestrate: watching 2 files of 2 tasks and workflow.yaml (Ctrl-C to stop)');
      writeFileSync(join(dir, 'src/b.txt'), 'b\n');
      await waitFor(() => watching() === 2, 'the run after a source changed');
      expect([count(dir, 'build.ran'), count(dir, 'test.ran')]).toEqual([2, 2]);
      expect(readFileSync(join(dir, 'dist/out.txt'), 'utf8')).toBe('a\nb\n');
      writeFileSync(join(dir, 'workflow.yaml'), `${workflow}  broken: [\n`);
      await waitFor(() => output().includes('[yaml-syntax]') && watching() === 3, 'the lint report of the broken workflow');
      expect(output()).toContain('orchestrate: watching workflow.yaml until it loads again (Ctrl-C to stop)');
      writeFileSync(join(dir, 'workflow.yaml'), workflow.replace('echo x >> test.ran', 'echo y >> test.ran'));
      await waitFor(() => watching() === 4, 'the run after the workflow was fixed');
      // build's sources did not change: it is up to date; test's definition did: it ran.
      expect([count(dir, 'build.ran'), count(dir, 'test.ran')]).toEqual([2, 3]);
      expect(output()).toMatch(/1 task up to date/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    expect(output()).not.toMatch(/internal error|at .*\.js:\d+/);
  });

  it('refuses what cannot be watched, before running anything', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow, 'plain.yaml': 'version: 1\ntasks:\n  a: { run: "touch ran" }\n', 'src/a.txt': '' });
    const cases: Array<[string[], string]> = [
      [['plain.yaml', '--watch'], 'orchestrate: --watch needs tasks with `sources` (or a `promptFile`) to watch\n'],
      [['workflow.yaml', '--watch', '--resume'], 'orchestrate: --watch and --resume cannot be combined: each watched run is a new run\n'],
      [['workflow.yaml', '--watch', '--json'], 'orchestrate: --watch runs for real and prints a summary per run: leave out --dry-run, --commands, --json and --events -\n'],
      [['workflow.yaml', '--watch', '--commands'], 'orchestrate: --watch runs for real and prints a summary per run: leave out --dry-run, --commands, --json and --events -\n'],
      [['workflow.yaml', '--commands'], 'orchestrate: --commands shows what a dry run would run: add --dry-run (or use orchestrate plan --commands)\n'],
    ];
    for (const [args, message] of cases) {
      const r = cli(['run', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(message);
    }
    expect(existsSync(join(dir, '.orchestrate'))).toBe(false);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('stops on a Ctrl-C that comes after the run\'s last task ended, before it has finished', async () => {
    // The events go to a pipe the test does not read yet: once its 64 KB are full, the run stays in
    // its last step (closing the events) after every task ended: the moment a Ctrl-C used to be lost.
    const dir = tempProject({ 'package.json': '{}', 'src.txt': 'x', 'workflow.yaml': `version: 1\ntasks:\n  watched: { run: "true", sources: [src.txt] }\n${noOpTasks(300)}` });
    const { child, exited, fifo, ended } = runWithEventsPipe(dir, ['--watch', '--renderer', 'silent'], { CI: '' });
    // Opened for reading (so the runner can open it for writing), not read.
    const reader = await open(fifo, 'r');
    try {
      await waitFor(ended, 'the run to end in the history');
      child.kill('SIGINT');
      // Then the run may finish: the pipe is read to its end.
      for await (const _ of reader.createReadStream()) { /* drained */ }
      // The watch ends (before the fix it went on watching, the Ctrl-C lost).
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still watching'), 15_000))]);
      expect(code).toBe(130);
    } finally {
      child.kill('SIGKILL');
      await reader.close().catch(() => undefined);
    }
  });

  it('watches prompt files: editing one runs its task again; Ctrl-\\ stops the watch too, exit 131', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'prompt.md': 'first\n',
      'workflow.yaml': 'version: 1\nagents: { a: { command: "cat >> got.txt" } }\ntasks:\n  ask: { agent: a, promptFile: prompt.md }\n',
    });
    const { child, exited, output } = startCli(dir, ['run', 'workflow.yaml', '--watch', '--renderer', 'silent']);
    try {
      await waitFor(() => output().includes('orchestrate: watching 1 file of 1 task'), 'the first run');
      writeFileSync(join(dir, 'prompt.md'), 'second\n');
      await waitFor(() => readFileSync(join(dir, 'got.txt'), 'utf8') === 'first\nsecond\n', 'the run after the prompt changed');
      await waitFor(() => output().split('orchestrate: watching').length - 1 === 2, 'the watch after that run');
    } finally {
      child.kill('SIGQUIT');
    }
    expect(await exited).toBe(131);
  });
});
