import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { openSqlite } from '../helpers/sqlite.js';

describe('orchestrate status', () => {
  it('shows where the run going on is — its tasks by state and those running now — and how it ended', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 2 }
tasks:
  quick: { run: "true", cost: 0.25 }
  broken: { run: "echo 'x.ts:3: missing ;' >&2; exit 3" }
  long: { run: "echo step 1 of 3; printf 'downloading 10%%\\rdownloading 80%%\\n'; touch started; sleep 30", needs: quick }
  flaky: { run: '[ "$ORCHESTRATE_ATTEMPT" -gt 1 ] || { echo first try fails; exit 1; }; touch again; sleep 30', retry: { maxAttempts: 2, delay: 0 } }
  last: { run: "true", needs: [long, flaky] }
`,
    });
    const { exited } = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    try {
      await waitFor(() => existsSync(join(dir, 'started')) && existsSync(join(dir, 'again')), 'both long tasks to start');
      // The history is written as the run goes: an attempt's start within 100 ms.
      let status: any;
      await waitFor(() => (status = JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout)).running.length === 2, 'status to see both running');
      expect(status).toMatchObject({ workflow: 'workflow', status: 'running', finishedAt: null, cost: 0.25, counts: { succeeded: 1, failed: 1, skipped: 0, cancelled: 0, running: 2, waiting: 1 }, failed: ['broken'] });
      expect(status.running.map((r: any) => [r.task, r.attempt])).toEqual([['long', 1], ['flaky', 2]]);
      // The last line each attempt going on printed, as a terminal left it: what it is doing now. Attempt 2 of flaky printed nothing yet.
      expect(status.running.map((r: any) => r.lastLine)).toEqual(['downloading 80%', undefined]);
      // Why it failed, with the last lines its attempt printed, while the run goes on.
      expect(status.failures).toEqual([{ task: 'broken', reason: 'exit code 3', lastLines: ['x.ts:3: missing ;', 'attempt 1 failed: exit code 3'] }]);
      for (const r of status.running) expect(r.elapsed).toBeGreaterThanOrEqual(0);
      const text = cli(['status'], { cwd: dir }).stdout;
      // A report of it says it is running, not that it ended unfinished.
      const report = cli(['report', '--out', 'live.html'], { cwd: dir });
      expect(report.code, report.stderr).toBe(0);
      expect(readFileSync(join(dir, 'live.html'), 'utf8')).toContain('<span class="status-running">running</span>');
      expect(text).toMatch(new RegExp(`^run ${status.id} \\(workflow\\) running for \\S+\\n  1 succeeded, 1 failed, 0 skipped, 0 cancelled, 2 running, 1 waiting\\n  cost     0\\.25 spent so far\\n  failed   broken: exit code 3\\n           \\| x\\.ts:3: missing ;\\n  running  long   \\S+  \\| downloading 80%\\n           flaky  \\S+  attempt 2\\n$`));
    } finally {
      expect(cli(['cancel'], { cwd: dir }).code).toBe(0);
    }
    expect(await exited).toBe(143);
    const after = JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout);
    expect(after).toMatchObject({ status: 'cancelled', counts: { succeeded: 1, failed: 1, cancelled: 3, running: 0, waiting: 0 }, running: [], failed: ['broken'] });
    // Ended without succeeding, it says the command that resumes it, as the run's summary did.
    expect(after.resume).toBe(`orchestrate run workflow.yaml --resume ${after.id.split('-')[1]}`);
    expect(cli(['status'], { cwd: dir }).stdout).toMatch(/^run \S+ \(workflow\) cancelled after \S+\n  1 succeeded, 1 failed, 0 skipped, 3 cancelled\n  cost     0\.25 spent\n  failed   broken: exit code 3\n           \| x\.ts:3: missing ;\n  to resume: orchestrate run workflow\.yaml --resume [0-9a-f]{6}\n$/);
    const nope = cli(['status', 'nope'], { cwd: dir });
    expect([nope.code, nope.stderr]).toEqual([2, 'orchestrate: no run "nope" in the history\n']);
  });

  it('says what the ready tasks wait for while the run goes: an agent\'s concurrency, a rate limit and how long until it frees', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
agents:
  solo: { command: "cat > /dev/null; touch started; sleep 30", concurrency: 1 }
  llm: { command: "cat > /dev/null", rateLimit: { requests: 1, per: 1h } }
tasks:
  s: { agent: solo, prompt: x, matrix: { n: [1, 2, 3] } }
  l: { agent: llm, prompt: y, matrix: { n: [1, 2] } }
`,
    });
    const { exited } = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    try {
      await waitFor(() => existsSync(join(dir, 'started')), 'the first of solo\'s tasks to start');
      let status: any;
      await waitFor(() => (status = JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout)).waits.length === 2, 'status to see both limits');
      expect(status.waits).toMatchObject([{ limit: 'agent', name: 'solo', capacity: 1, tasks: 2 }, { limit: 'rate', name: 'llm', capacity: 1, per: 3600, tasks: 1 }]);
      expect(status.waits[0].freesIn).toBeUndefined();
      expect(status.waits[1].freesIn).toBeGreaterThan(3000);
      expect(status.waits[1].freesIn).toBeLessThanOrEqual(3600);
      expect(cli(['status'], { cwd: dir }).stdout).toMatch(/\n  waiting  2 for agent solo: concurrency 1\n           1 for agent llm: 1 start per 1h, \S+ more\n$/);
    } finally {
      expect(cli(['cancel'], { cwd: dir }).code).toBe(0);
    }
    expect(await exited).toBe(143);
    // Once the run is over nothing waits, and the history keeps nothing of it.
    expect(JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout).waits).toEqual([]);
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    expect(db.prepare('SELECT waits FROM runs').pluck().all()).toEqual([null]);
    db.close();
  });

  it('says how to resume a run whose runner was killed: the same file and tasks, said from where it is asked, and that command resumes it', async () => {
    const marker = `status-resume-${process.pid}-${Date.now()}`;
    const workflow = (slow: string) => `version: 1
secrets: [TOKEN]
tasks:
  prep: { run: "echo x >> prep.ran" }
  slow: { run: "touch started; ${slow} # ${marker}", needs: prep }
  after: { run: "echo x >> after.ran", needs: slow }
  extra: { run: "echo x >> extra.ran" }
  s3cr3t-word: { run: "true" }
`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow('sleep 30'), 'sub/.keep': '' });
    const { child, exited } = startCli(dir, ['run', 'workflow.yaml', 'after', '--renderer', 'silent']);
    try {
      await waitFor(() => existsSync(join(dir, 'started')), 'slow to start');
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    await waitFor(() => spawnSync('pgrep', ['-f', marker]).status !== 0, 'the killed run\'s task to end');
    const sub = join(dir, 'sub');
    const status = JSON.parse(cli(['status', '--json'], { cwd: sub }).stdout);
    expect(status.status).toBe('unfinished');
    const short = status.id.split('-')[1];
    expect(status.resume).toBe(`orchestrate run ../workflow.yaml after --resume ${short}`);
    expect(cli(['status'], { cwd: sub }).stdout).toContain(`\n  to resume: orchestrate run ../workflow.yaml after --resume ${short}\n`);
    writeFileSync(join(dir, 'workflow.yaml'), workflow('true'));
    const [, ...args] = status.resume.split(' ');
    const resumed = cli([...args, '--json'], { cwd: sub });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).tasks.map((t: any) => [t.id, t.reason ?? null])).toEqual([['prep', 'reused'], ['slow', null], ['after', null]]);
    expect(existsSync(join(dir, 'extra.ran'))).toBe(false);
    expect(readFileSync(join(dir, 'prep.ran'), 'utf8')).toBe('x\n');
    // A run that succeeded has nothing to resume.
    expect(JSON.parse(cli(['status', '--json'], { cwd: sub }).stdout).resume).toBeUndefined();
    // Words that hold a secret's value are not kept in the history, so no command is said.
    const secret = cli(['run', 'workflow.yaml', 's3cr3t-word', 'nope', '--renderer', 'silent'], { cwd: dir, env: { TOKEN: 's3cr3t-word' } });
    expect(secret.code).toBe(2);
    writeFileSync(join(dir, 'workflow.yaml'), workflow('exit 1'));
    expect(cli(['run', 'workflow.yaml', 'after', 's3cr3t-word', '--renderer', 'silent'], { cwd: dir, env: { TOKEN: 's3cr3t-word' } }).code).toBe(1);
    const hidden = JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout);
    expect(hidden.status).toBe('failed');
    expect(hidden.resume).toBeUndefined();
    const db = openSqlite(join(dir, '.orchestrate/state.db'), { readonly: true });
    expect(db.prepare('SELECT selection FROM runs ORDER BY started_at').pluck().all()).toEqual(['{"tasks":["after"]}', '{"tasks":["after"]}', null]);
    db.close();
  });

  it('says the config file a run was given, from where it is asked, also once the project has moved', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': 'version: 1\ntasks:\n  ok: { run: "true" }\n  broken: { run: "exit 3", needs: ok }\n  other: { run: "true" }\n',
      'conf/orch.yaml': 'policy: { maxConcurrency: 1 }\n',
      'sub/.keep': '',
    });
    expect(cli(['run', 'workflow.yaml', 'broken', '-c', 'conf/orch.yaml', '--renderer', 'silent'], { cwd: dir }).code).toBe(1);
    const moved = `${dir}-moved`;
    renameSync(dir, moved);
    const status = JSON.parse(cli(['status', '--json'], { cwd: join(moved, 'sub') }).stdout);
    expect(status.resume).toBe(`orchestrate run ../workflow.yaml broken -c ../conf/orch.yaml --resume ${status.id.split('-')[1]}`);
    const [, ...args] = status.resume.split(' ');
    const resumed = cli([...args, '--json'], { cwd: join(moved, 'sub') });
    expect(resumed.code).toBe(1);
    expect(JSON.parse(resumed.stdout).tasks.map((t: any) => [t.id, t.status, t.reason ?? null])).toEqual([['ok', 'succeeded', 'reused'], ['broken', 'failed', null]]);
  });
});
