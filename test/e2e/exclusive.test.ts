import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';
import { diagnosticsByFile } from '../helpers/lint.js';
import { waitFor } from '../helpers/wait.js';

/** A run whose task waits until the file `go` exists (then says so in `done`): it holds its group as long as the test wants. */
const held = (exclusive: string) => `version: 1
exclusive: ${exclusive}
inputs: { target: { default: staging } }
tasks:
  hold: { run: 'touch holding; while [ ! -f go ]; do sleep 0.05; done; echo held >> done' }
`;

const quick = (exclusive: string) => `version: 1
exclusive: ${exclusive}
inputs: { target: { default: staging } }
tasks:
  quick: { run: 'echo quick >> done' }
`;

const startedAt = (dir: string, runId: string, type: string) => {
  const line = readFileSync(join(dir, '.orchestrate/runs', runId, 'events.jsonl'), 'utf8').split('\n').find((l) => l.includes(`"type":"${type}"`))!;
  return Date.parse(JSON.parse(line).ts);
};

describe('exclusive', () => {
  it('makes a run of the same group wait for the one going on, saying so, and start when it ends', async () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': held('true') });
    const first = startCli(dir, ['run', 'w.yaml', '--renderer', 'simple']);
    await waitFor(() => existsSync(join(dir, 'holding')), 'the first run to hold the group');
    const second = startCli(dir, ['run', 'w.yaml', '--renderer', 'simple']);
    await waitFor(() => second.stderr().includes('orchestrate: waiting for run'), 'the second run to wait');
    const firstId = /run (\S+):/.exec(first.stdout())![1]!;
    expect(second.stderr()).toContain(`orchestrate: waiting for run ${firstId} (w), which holds the exclusive group "${join(dir, 'w.yaml')}"\n`);
    expect(second.stdout()).toBe('');
    // Ctrl-C while waiting: that run ends before it began.
    const third = startCli(dir, ['run', 'w.yaml', '--renderer', 'simple']);
    await waitFor(() => third.stderr().includes('orchestrate: waiting for run'), 'the third run to wait');
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(130);
    expect(third.stdout()).toBe('');
    writeFileSync(join(dir, 'go'), '');
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    const secondId = /run (\S+):/.exec(second.stdout())![1]!;
    expect(startedAt(dir, secondId, 'workflow.started')).toBeGreaterThanOrEqual(startedAt(dir, firstId, 'workflow.finished'));
    expect(readFileSync(join(dir, 'done'), 'utf8')).toBe('held\nheld\n');
  });

  it('lets runs of other groups go on, and takes a group whose holder was killed', async () => {
    const group = '"deploy-${{ inputs.target }}"';
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': held(group), 'q.yaml': quick(group) });
    const first = startCli(dir, ['run', 'w.yaml', '--renderer', 'simple']);
    await waitFor(() => existsSync(join(dir, 'holding')), 'the first run to hold deploy-staging');
    // Another group: it does not wait.
    const other = cli(['run', 'q.yaml', '-i', 'target=production', '--renderer', 'silent'], { cwd: dir });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toBe('');
    // The holder is killed without a chance to give the group back: the next run takes it.
    first.child.kill('SIGKILL');
    await first.exited;
    const after = cli(['run', 'q.yaml', '--renderer', 'silent'], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toBe('');
    expect(readFileSync(join(dir, 'done'), 'utf8')).toBe('quick\nquick\n');
  });

  it('keeps and shows a group named by a secret input masked: it holds for every value of the secret', async () => {
    const yaml = `version: 1\nexclusive: "deploy-\${{ inputs.deploy_token }}"\ninputs: { deploy_token: {} }\ntasks:\n  hold: { run: 'touch holding; while [ ! -f go ]; do sleep 0.05; done' }\n`;
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': yaml });
    const first = startCli(dir, ['run', 'w.yaml', '-i', 'deploy_token=first-s3cr3t', '--renderer', 'simple']);
    let second: ReturnType<typeof startCli> | undefined;
    try {
      await waitFor(() => existsSync(join(dir, 'holding')), 'the first run to hold the group');
      second = startCli(dir, ['run', 'w.yaml', '-i', 'deploy_token=other-s3cr3t', '--renderer', 'simple']);
      await waitFor(() => second!.stderr().includes('orchestrate: waiting for run'), 'the second run to wait');
      expect(second.stderr()).toMatch(/^orchestrate: waiting for run \S+ \(w\), which holds the exclusive group "deploy-\*\*\*"\n$/);
    } finally {
      // The runs end whatever failed above.
      writeFileSync(join(dir, 'go'), '');
    }
    expect(await first.exited).toBe(0);
    expect(await second!.exited).toBe(0);
    expect(first.stdout() + first.stderr() + second!.stdout() + second!.stderr()).not.toContain('s3cr3t');
    for (const file of readdirSync(join(dir, '.orchestrate')).filter((f) => f.startsWith('state.db'))) {
      expect(readFileSync(join(dir, '.orchestrate', file)).includes('s3cr3t'), file).toBe(false);
    }
  });

  it('stops the run holding the group with cancelInProgress', async () => {
    const exclusive = '{ group: deploy, cancelInProgress: true }';
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': held(exclusive), 'q.yaml': quick(exclusive) });
    const first = startCli(dir, ['run', 'w.yaml', '--json']);
    await waitFor(() => existsSync(join(dir, 'holding')), 'the first run to hold the group');
    const second = cli(['run', 'q.yaml', '--renderer', 'silent'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/^orchestrate: stopping run \S+ \(w\), which holds the exclusive group "deploy"\n$/);
    expect(await first.exited).toBe(143);
    expect(JSON.parse(first.stdout()).tasks[0]).toMatchObject({ id: 'hold', status: 'cancelled' });
  });

  it('refuses, not waiting for ever, a run of the group started by a task of the run that holds it', () => {
    for (const exclusive of ['deploy', '{ group: deploy, cancelInProgress: true }']) {
      const outer = `version: 1\nexclusive: ${exclusive}\ntasks:\n  nested: { run: '"${process.execPath}" "${BIN}" run q.yaml --renderer silent', timeout: 60s }\n`;
      const dir = tempProject({ 'package.json': '{}', 'w.yaml': outer, 'q.yaml': quick(exclusive) });
      const r = cli(['run', 'w.yaml', '--json'], { cwd: dir, timeout: 90_000 });
      expect(r.code, r.stderr).toBe(1);
      const result = JSON.parse(r.stdout);
      expect(result.tasks[0]).toMatchObject({ id: 'nested', status: 'failed', exitCode: 2 });
      expect(result.tasks[0].logTail.join('\n')).toContain(`orchestrate: this run was started by a task of run ${result.runId}, which holds the exclusive group "deploy": it would wait for ever for the run it is part of (or stop it, with cancelInProgress); give this workflow another group`);
      expect(existsSync(join(dir, 'done'))).toBe(false);
    }
  }, 200_000);

  it('is in the plan', () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': held('"deploy-${{ inputs.target }}"'), 'q.yaml': quick('{ group: deploy, cancelInProgress: true }') });
    expect(cli(['plan', 'w.yaml', '-i', 'target=production'], { cwd: dir }).stdout).toContain('Exclusive: one run of the group "deploy-production" at a time on this machine; a new run waits for the one going on\n');
    const json = JSON.parse(cli(['plan', 'q.yaml', '--json'], { cwd: dir }).stdout);
    expect(validator('plan')(json)).toBe(true);
    expect(json.exclusive).toEqual({ group: 'deploy', cancelInProgress: true });
  });

  it('checks the group where it is written, and an included file cannot set it', () => {
    const dir = tempProject({
      'a.yaml': 'version: 1\nexclusive: "deploy-${{ inputs.taget }}-${{ inputs.region }}"\ninputs: { target: { default: x } }\ntasks: { t: { run: "true" } }\n',
      'b.yaml': 'version: 1\nexclusive: { group: "${{ tasks.t.outputs.x }}" }\ntasks: { t: { run: "true" } }\n',
      'c.yaml': 'version: 1\ninclude: { lib: lib.yaml }\ntasks: { t: { run: "true" } }\n',
      'lib.yaml': 'version: 1\nexclusive: true\ntasks: { u: { run: "true" } }\n',
    });
    const r = cli(['lint', 'a.yaml', 'b.yaml', 'c.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const byFile = diagnosticsByFile(r.stdout);
    // As a task's templates say it: a near name, else the inputs there are.
    expect(byFile['a.yaml']).toEqual([
      'unknown-reference@2:20 exclusive uses ${{ inputs.taget }}, but the workflow has no input "taget" (did you mean "target"?)',
      'unknown-reference@2:40 exclusive uses ${{ inputs.region }}, but the workflow has no input "region" (inputs: target)',
    ]);
    expect(byFile['b.yaml']).toEqual(['bad-template@2:22 exclusive uses ${{ tasks.t.outputs.x }}, but the group is named before anything runs: it can read ${{ inputs.NAME }} and ${{ runner.KEY }} only']);
    expect(byFile['lib.yaml']).toEqual(["bad-include@2:1 an included workflow cannot set `exclusive`: the including workflow's applies to the whole run"]);
  });
});
