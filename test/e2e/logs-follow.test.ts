import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli as start } from '../helpers/background.js';
import { cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

/** Whether the task's log of the (only) run in `dir` holds `text` yet. */
const logHas = (dir: string, task: string, text: string) => {
  const runs = join(dir, '.orchestrate/runs');
  const file = existsSync(runs) && readdirSync(runs).length ? join(runs, readdirSync(runs)[0]!, `${task}.log`) : undefined;
  return Boolean(file && existsSync(file) && readFileSync(file, 'utf8').includes(text));
};

describe('orchestrate logs --follow', () => {
  it('prints a live run\'s lines as they are written, tasks that start later too, and ends with the run', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  a: { run: "for i in 1 2 3 4 5; do echo a-$i; sleep 0.4; done" }
  b: { run: "echo b-done; echo 'b-err ü' >&2", needs: a }
  c: { run: "sleep 0.5; printf 'no newline'" }
  quiet: { run: "echo hidden", needs: a }
`,
    });
    const run = start(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    await waitFor(() => logHas(dir, 'a', 'a-1'), 'a-1 in the log');
    const follow = start(dir, ['logs', '--follow', '-t', 'a,b,c']);
    expect(await run.exited).toBe(0);
    expect(await follow.exited).toBe(0);
    // It was following while the run went on (a prints for 1.6 s after a-1), not printing a finished run.
    expect(follow.startedAt).toBeLessThan(run.endedAt());
    const lines = follow.stdout().split('\n');
    expect(lines.filter((l) => l.startsWith('[a] a-'))).toEqual(['[a] a-1', '[a] a-2', '[a] a-3', '[a] a-4', '[a] a-5']);
    expect(lines).toContain('[b] b-done');
    expect(lines).toContain('[b] b-err ü');
    expect(lines).toContain('[c] no newline');
    expect(lines.filter((l) => /^\[a\] --- attempt 1 of a started /.test(l))).toHaveLength(1);
    expect(follow.stdout()).not.toContain('hidden');
    expect(follow.stdout().endsWith('\n')).toBe(true);
    expect(follow.stderr()).toBe('');
  });

  it('--tail shows only the last lines of each log, and with --follow of the logs already there, then every new line', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  a: { run: "seq 1 1000; touch half; while [ ! -f go ]; do sleep 0.05; done; echo a-after" }
  b: { run: "echo b-1; echo b-2", needs: a }
`,
    });
    const run = start(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    await waitFor(() => existsSync(join(dir, 'half')) && logHas(dir, 'a', 'out| 1000'), '1,000 lines in the log');
    const follow = start(dir, ['logs', '--follow', '--tail', '2']);
    await waitFor(() => follow.stdout().includes('[a] 1000'), 'the follower to print the tail');
    writeFileSync(join(dir, 'go'), '');
    expect(await run.exited).toBe(0);
    expect(await follow.exited).toBe(0);
    // a's last two lines when following began, then what came after; b started later: whole.
    expect(follow.stdout().split('\n').filter(Boolean)).toEqual(['[a] 999', '[a] 1000', '[a] a-after', expect.stringMatching(/^\[b\] --- attempt 1 of b started /), '[b] b-1', '[b] b-2']);
    const tail = cli(['logs', '--tail', '1'], { cwd: dir });
    expect(tail.stdout.split('\n').filter((l) => !l.startsWith('==>'))).toEqual(['out| a-after', 'out| b-2', '']);
    expect(cli(['logs', '--tail', '-1'], { cwd: dir }).code).toBe(2);
  });

  it('stops at Ctrl-C with exit 130, leaving the run going; ends when the runner is killed, saying so', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  long: { run: "echo started; sleep 30" }\n' });
    const run = start(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    await waitFor(() => logHas(dir, 'long', 'started'), 'the first line in the log');
    const first = start(dir, ['logs', '-f']);
    await waitFor(() => first.stdout().includes('[long] started'), 'the follower to print the first line');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    expect(run.child.exitCode).toBe(null);
    const second = start(dir, ['logs', '-f']);
    await waitFor(() => second.stdout().includes('[long] started'), 'the second follower to print the first line');
    run.child.kill('SIGKILL');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toMatch(/^orchestrate: the runner of run \S+ is gone without finishing it \(killed\?\); its logs end here\n$/);
  });

  it('refuses --failed with --follow (exit 2, one line)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo a" }\n' });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const r = cli(['logs', '-f', '--failed'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('orchestrate: --failed cannot be used with --follow: which tasks fail is known only once they end\n');
    // A finished run: everything it printed, then the command ends.
    expect(cli(['logs', '--follow'], { cwd: dir }).stdout).toMatch(/^\[a\] --- attempt 1 of a started [^\n]*\n\[a\] a\n$/);
  });
  it('shows a task\'s lines while it runs with a secret that holds line breaks (a key file) in the environment, masked line by line', async () => {
    // Such a secret holds lines back, as it might start in them; a task gone quiet gets them out anyway.
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
env:
  DEPLOY_KEY: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
    -----END PRIVATE KEY-----
tasks:
  a: { run: 'echo starting; printf "%s\\n" "$DEPLOY_KEY"; sleep 4; echo done' }
`,
    });
    const run = start(dir, ['run', 'workflow.yaml', '--renderer', 'simple', '--logs', 'all']);
    await waitFor(() => run.stdout().includes('[a] starting'), 'the first line on the console');
    // Long before the task ends (it sleeps 4 s), and masked.
    expect(run.stdout()).not.toContain('[a] done');
    await waitFor(() => logHas(dir, 'a', 'out| ***'), 'the key, masked, in the log');
    expect(run.stdout()).not.toContain('[a] done');
    expect(await run.exited).toBe(0);
    const everything = run.output() + readFileSync(join(dir, '.orchestrate/runs', readdirSync(join(dir, '.orchestrate/runs'))[0]!, 'a.log'), 'utf8');
    expect(everything).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(everything).not.toContain('BEGIN PRIVATE KEY');
    expect(run.stdout()).toContain('[a] done');
  });
});
