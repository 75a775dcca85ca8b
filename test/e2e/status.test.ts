import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

describe('orchestrate status', () => {
  it('shows where the run going on is — its tasks by state and those running now — and how it ended', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 2 }
tasks:
  quick: { run: "true" }
  broken: { run: "exit 3" }
  long: { run: "touch started; sleep 30", needs: quick }
  flaky: { run: '[ "$ORCHESTRATE_ATTEMPT" -gt 1 ] && touch again && sleep 30', retry: { maxAttempts: 2, delay: 0 } }
  last: { run: "true", needs: [long, flaky] }
`,
    });
    const { exited } = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'silent']);
    try {
      await waitFor(() => existsSync(join(dir, 'started')) && existsSync(join(dir, 'again')), 'both long tasks to start');
      // The history is written as the run goes: an attempt's start within 100 ms.
      let status: any;
      await waitFor(() => (status = JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout)).running.length === 2, 'status to see both running');
      expect(status).toMatchObject({ workflow: 'workflow', status: 'running', finishedAt: null, counts: { succeeded: 1, failed: 1, skipped: 0, cancelled: 0, running: 2, waiting: 1 }, failed: ['broken'] });
      expect(status.running.map((r: any) => [r.task, r.attempt])).toEqual([['long', 1], ['flaky', 2]]);
      for (const r of status.running) expect(r.elapsed).toBeGreaterThanOrEqual(0);
      const text = cli(['status'], { cwd: dir }).stdout;
      // A report of it says it is running, not that it ended unfinished.
      const report = cli(['report', '--out', 'live.html'], { cwd: dir });
      expect(report.code, report.stderr).toBe(0);
      expect(readFileSync(join(dir, 'live.html'), 'utf8')).toContain('<span class="status-running">running</span>');
      expect(text).toMatch(new RegExp(`^run ${status.id} \\(workflow\\) running for \\S+\\n  1 succeeded, 1 failed, 0 skipped, 0 cancelled, 2 running, 1 waiting\\n  failed   broken\\n  running  long   \\S+\\n           flaky  \\S+  attempt 2\\n$`));
    } finally {
      expect(cli(['cancel'], { cwd: dir }).code).toBe(0);
    }
    expect(await exited).toBe(143);
    const after = JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout);
    expect(after).toMatchObject({ status: 'cancelled', counts: { succeeded: 1, failed: 1, cancelled: 3, running: 0, waiting: 0 }, running: [], failed: ['broken'] });
    expect(cli(['status'], { cwd: dir }).stdout).toMatch(/^run \S+ \(workflow\) cancelled after \S+\n  1 succeeded, 1 failed, 0 skipped, 3 cancelled\n  failed   broken\n$/);
    const nope = cli(['status', 'nope'], { cwd: dir });
    expect([nope.code, nope.stderr]).toEqual([2, 'orchestrate: no run "nope" in the history\n']);
  });
});
