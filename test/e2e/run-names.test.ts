import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';

describe('naming a run by a part of its id', () => {
  it('takes a start of the id or of its random part, refuses one that fits several, and points a task name to --task', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  build: { run: 'echo "built in run $ORCHESTRATE_RUN_ID"; [ -f pass ]' }
`,
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
      expect(run.code, run.stderr).toBe(1);
      ids.push(JSON.parse(run.stdout).runId);
    }
    const [first, second, third] = ids as [string, string, string];
    const random = (id: string) => id.slice(id.indexOf('-') + 1);

    // The random part (6 hex digits, different in each run), or a start of the whole id.
    const logs = cli(['logs', random(second)], { cwd: dir });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`out| built in run ${second}\n`);
    expect(logs.stdout).not.toContain(first);
    expect(JSON.parse(cli(['status', random(first), '--json'], { cwd: dir }).stdout).id).toBe(first);
    const events = cli(['events', second.slice(0, -1)], { cwd: dir });
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout.trim().split('\n').map((line) => JSON.parse(line).runId)).toEqual(expect.arrayContaining([second]));
    expect(new Set(events.stdout.trim().split('\n').map((line) => JSON.parse(line).runId))).toEqual(new Set([second]));
    const report = cli(['report', random(third), '--format', 'junit', '--out', 'third.xml'], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(dir, 'third.xml'), 'utf8')).toContain(third);

    // A start that fits all three: exit 2, naming them, the latest first; nothing written.
    const year = first.slice(0, 4);
    for (const command of [['logs', year], ['status', year], ['events', year], ['report', year, '--out', 'any.html'], ['cancel', year]]) {
      const ambiguous = cli(command, { cwd: dir });
      expect([ambiguous.code, ambiguous.stdout], command.join(' ')).toEqual([2, '']);
      expect(ambiguous.stderr).toBe(`orchestrate: "${year}" fits more than one run: ${third}, ${second}, ${first} (give more of the id)\n`);
    }
    expect(existsSync(join(dir, 'any.html'))).toBe(false);
    // An empty id names no run (it is not "the latest", nor "no runs yet").
    for (const command of [['logs', ''], ['status', ''], ['events', ''], ['report', ''], ['cancel', '']]) {
      const empty = cli(command, { cwd: dir });
      expect([empty.code, empty.stderr], command.join(' ')).toEqual([2, 'orchestrate: no run "" in the history\n']);
    }

    // A resume names the run the same way.
    const resumed = cli(['run', 'workflow.yaml', '--resume', random(second), '--renderer', 'silent'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(resumed.stdout).toContain(`resumed    from run ${second}: 0 tasks reused`);
    const unknown = cli(['run', 'workflow.yaml', '--resume', 'zzz'], { cwd: dir });
    expect([unknown.code, unknown.stderr]).toEqual([2, 'orchestrate: --resume: no run "zzz" in the history\n']);

    // A task's id where a run id goes: how to ask for its logs.
    const task = cli(['logs', 'build'], { cwd: dir });
    expect([task.code, task.stderr]).toEqual([2, 'orchestrate: no run "build" in the history; to see the logs of task build: orchestrate logs --task build\n']);
    expect(cli(['logs', 'nope'], { cwd: dir }).stderr).toBe('orchestrate: no run "nope" in the history\n');
  });

  it('takes a workflow\'s name or file for its latest run, after the run ids', () => {
    const dir = tempProject({
      'package.json': '{}',
      'ci.yaml': 'version: 1\ntasks:\n  test: { run: \'echo "ci run $ORCHESTRATE_RUN_ID"\' }\n',
      'docs/site.yaml': 'version: 1\nname: site\ntasks:\n  render: { run: \'echo "site run $ORCHESTRATE_RUN_ID"\' }\n',
    });
    const runOf = (file: string) => JSON.parse(cli(['run', file, '--json'], { cwd: dir }).stdout).runId as string;
    runOf('ci.yaml');
    const ci = runOf('ci.yaml');
    const site = runOf('docs/site.yaml');
    // The latest run of all is site's; ci's name, its file, and a path to it name ci's latest.
    for (const name of ['ci', 'ci.yaml', './ci.yaml']) {
      const logs = cli(['logs', name], { cwd: dir });
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).toContain(`out| ci run ${ci}\n`);
    }
    expect(JSON.parse(cli(['status', 'site', '--json'], { cwd: dir }).stdout).id).toBe(site);
    expect(JSON.parse(cli(['status', 'docs/site.yaml', '--json'], { cwd: dir }).stdout).id).toBe(site);
    expect(JSON.parse(cli(['status', 'site.yaml', '--json'], { cwd: join(dir, 'docs') }).stdout).id).toBe(site);
    const events = cli(['events', 'ci'], { cwd: dir });
    expect(new Set(events.stdout.trim().split('\n').map((line) => JSON.parse(line).runId))).toEqual(new Set([ci]));
    // Not a workflow either: no run.
    expect(cli(['logs', 'cd.yaml'], { cwd: dir }).stderr).toBe('orchestrate: no run "cd.yaml" in the history\n');
    // Where a workflow file goes in history, stats and prune, its name does too.
    expect(JSON.parse(cli(['history', 'site', '--json'], { cwd: dir }).stdout).map((r: { id: string }) => r.id)).toEqual([site]);
    expect(JSON.parse(cli(['history', 'ci', '--json'], { cwd: dir }).stdout)).toHaveLength(2);
    expect(JSON.parse(cli(['stats', 'site', '--json'], { cwd: dir }).stdout).tasks.map((t: { name: string }) => t.name)).toEqual(['render']);
    const prune = cli(['prune', 'ci', '--keep', '1', '--dry-run'], { cwd: dir });
    expect(prune.stdout).toContain(`would remove 1 run and 1 log directory`);
    expect(prune.stdout).not.toContain(site);
    expect(cli(['stats', 'cd'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'orchestrate: cannot read cd: no such file\n' });
  });
});

describe('the summary of a run that did not succeed', () => {
  it('says how to resume it: the same file, selection and per-run flags, --resume and its short id; that command reuses what succeeded', () => {
    const dir = tempProject({
      'package.json': '{}',
      'my flows/w.yaml': `version: 1
inputs: { who: { default: world } }
tasks:
  ok: { run: 'echo x >> ok.ran' }
  flaky: { run: 'echo x >> flaky.ran; test -f pass', needs: ok }
  other: { run: 'echo x >> other.ran' }
`,
    });
    const first = cli(['run', 'my flows/w.yaml', 'flaky', '-i', 'who=you', '-k', '--timeout', '10m', '--budget', '5', '--renderer', 'silent'], { cwd: dir });
    expect(first.code).toBe(1);
    const hint = /^ {2}to resume: (.+) \(runs what failed or did not run, reuses what succeeded\)$/m.exec(first.stdout);
    expect(hint, first.stdout).not.toBeNull();
    expect(hint![1]).toMatch(/^orchestrate run 'my flows\/w\.yaml' flaky --keep-going --timeout 600 --budget 5 --resume [0-9a-f]{6}$/);
    // Tasks run in their workflow file's directory.
    const flows = join(dir, 'my flows');
    writeFileSync(join(flows, 'pass'), '');
    // The command as printed, given to a shell (the quotes matter), with this checkout's CLI for orchestrate.
    const resumed = spawnSync('sh', ['-c', `orchestrate() { "${process.execPath}" "${BIN}" "$@"; }; ${hint![1]} --renderer silent`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('1 task reused');
    expect(['ok', 'flaky'].map((t) => readFileSync(join(flows, `${t}.ran`), 'utf8'))).toEqual(['x\n', 'x\nx\n']);
    // Only the selection ran; a run that succeeds says nothing of resuming.
    expect(existsSync(join(flows, 'other.ran'))).toBe(false);
    expect(resumed.stdout).not.toContain('to resume');
  });
});
