import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';

// A workflow that a script generated and piped in: `gen | orchestrate run -`.
const GENERATED = `version: 1
tasks:
  build: { run: 'echo built > out.txt' }
  test: { run: 'test -f out.txt && echo "result=ok" >> "$ORCHESTRATE_OUTPUT"', needs: build }
  flaky: { run: 'test -f go.txt', needs: test }
`;

describe('a workflow on standard input (-)', () => {
  it('lint - checks it and names it <stdin> with positions; --stdin-filename names it and places it', () => {
    const dir = tempProject({ 'sub/prompt.md': 'Review it' });
    const text = 'version: 1\nagents:\n  a: { command: cat }\ntasks:\n  t: { agent: a, promptFile: prompt.md, needs: [nope] }\n';
    const plain = cli(['lint', '-'], { cwd: dir, input: text });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('<stdin>:5:30  error  task "t": its promptFile "prompt.md" cannot be read: no such file  [bad-prompt-file]');
    // As if it were sub/w.yaml (an editor's unsaved buffer): the prompt file beside it is found.
    const named = cli(['lint', '--stdin-filename', 'sub/w.yaml', '--format', 'json'], { cwd: dir, input: text });
    expect(named.code).toBe(1);
    const [report] = JSON.parse(named.stdout);
    expect(report.file).toBe('sub/w.yaml');
    expect(report.diagnostics.map((d: { code: string }) => d.code)).toEqual(['unknown-need']);
    expect(existsSync(join(dir, 'sub/w.yaml'))).toBe(false);
  });

  it('lint - goes with files; --stdin-filename without - among them is a usage error', () => {
    const dir = tempProject({ 'ok.yaml': 'version: 1\ntasks:\n  a: { run: "true" }\n' });
    const both = cli(['lint', 'ok.yaml', '-'], { cwd: dir, input: 'version: 1\ntasks: {}\n' });
    expect(both.code).toBe(1);
    expect(both.stdout).toMatch(/^<stdin>:2:8 {2}error/m);
    expect(both.stdout).toContain('in 2 files');
    const wrong = cli(['lint', 'ok.yaml', '--stdin-filename', 'x.yaml'], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('orchestrate: --stdin-filename names what standard input stands for, but no - (standard input) is among the files to lint\n');
  });

  it('run - runs it in the working directory, remembers it as <stdin>, and resumes it when it is piped again', () => {
    const dir = tempProject();
    const first = cli(['run', '-', '--json'], { cwd: dir, input: GENERATED });
    expect(first.code).toBe(1);
    const result = JSON.parse(first.stdout);
    expect(result.workflow).toBe('<stdin>');
    expect(Object.fromEntries(result.tasks.map((t: { id: string; status: string }) => [t.id, t.status]))).toEqual({ build: 'succeeded', test: 'succeeded', flaky: 'failed' });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('built\n');
    const history = cli(['history'], { cwd: dir });
    expect(history.stdout).toMatch(new RegExp(`${result.runId} .* failed .* <stdin>\\n`));

    // The same text again, with what failed fixed: only the failed task runs.
    const resumed = cli(['run', '-', '--resume', '--json'], { cwd: dir, input: GENERATED.replace('test -f go.txt', 'true') });
    expect(resumed.stderr).toBe('');
    const again = JSON.parse(resumed.stdout);
    expect(again.status).toBe('succeeded');
    expect(again.tasks.find((t: { id: string }) => t.id === 'build').attempts).toBe(0);
    expect(again.tasks.find((t: { id: string }) => t.id === 'flaky').attempts).toBe(1);
  });

  it('plan and run take task ids after -, and a workflow name from the text', () => {
    const dir = tempProject();
    const named = `name: generated\n${GENERATED}`;
    const plan = JSON.parse(cli(['plan', '-', 'test', '--json'], { cwd: dir, input: named }).stdout);
    expect(plan.workflow).toBe('generated');
    expect(plan.tasks.map((t: { id: string }) => t.id).sort()).toEqual(['build', 'test']);
    const run = cli(['run', '-', 'test'], { cwd: dir, input: named });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ generated succeeded');
    expect(cli(['list', '-'], { cwd: dir, input: named }).stdout).toMatch(/^generated \(<stdin>\): 3 tasks/);
  });

  it('an empty or invalid standard input is the usual lint report (exit 2), and --watch needs a file', () => {
    const dir = tempProject();
    const empty = cli(['run', '-'], { cwd: dir, input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('<stdin>:1:1  error  the file is empty');
    const watch = cli(['run', '-', '--watch'], { cwd: dir, input: GENERATED });
    expect(watch.code).toBe(2);
    expect(watch.stderr).toBe('orchestrate: --watch runs the workflow again when its file changes: it needs a file, not standard input (-)\n');
  });

  it('run and plan of a pipe given as a path (<(generate)) say to pipe it to standard input instead, exit 2', () => {
    const dir = tempProject();
    for (const command of ['run', 'plan']) {
      const r = spawnSync('bash', ['-c', `"$0" "$1" ${command} <(cat)`, process.execPath, BIN], { cwd: dir, encoding: 'utf8', input: GENERATED });
      expect([command, r.status, r.stderr]).toEqual([command, 2, expect.stringMatching(new RegExp(`^orchestrate: "/dev/fd/\\d+" is a pipe or a device, not a workflow file: give the workflow on standard input instead \\(generate \\| orchestrate ${command} -\\), where it belongs to the working directory\n$`))]);
    }
  });

  it('reads a pipe that is written slowly, to its end', async () => {
    const dir = tempProject();
    const child = spawn(process.execPath, [BIN, 'run', '-', '--json'], { cwd: dir, env: { ...process.env, CI: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; });
    const lines = GENERATED.replace('test -f go.txt', 'true').split(/(?<=\n)/);
    for (const line of lines) {
      child.stdin.write(line);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.stdin.end();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).tasks).toHaveLength(3);
  });
});
