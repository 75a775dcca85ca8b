import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { runProject } from '../helpers/run.js';

const workflow = `version: 1
policy: { maxConcurrency: 8 }
agents:
  llm: { command: "cat > /dev/null", rateLimit: { requests: 2, per: 1s }, estimate: 0.1 }
tasks:
  ask: { agent: llm, prompt: "q", matrix: { n: [1, 2, 3, 4, 5] } }
  build: { run: "sleep 0.3", estimate: 0.3 }
`;

describe('agent rate limits', () => {
  it("start at most `requests` of an agent's tasks within any window, and the plan knows it", () => {
    const r = runProject({ 'workflow.yaml': workflow });
    expect(r.code, r.stderr).toBe(0);
    const starts = r.events.filter((e: any) => e.type === 'task.started' && e.taskId.startsWith('ask')).map((e: any) => Date.parse(e.ts));
    expect(starts).toHaveLength(5);
    // Any three starts of the agent span at least the window (a little slack for timestamps).
    for (let i = 2; i < starts.length; i++) expect(starts[i]! - starts[i - 2]!, `start ${i}`).toBeGreaterThanOrEqual(950);
    // The shell task did not wait for the agent's window.
    const build = r.events.find((e: any) => e.type === 'task.started' && e.taskId === 'build');
    expect(Date.parse(build.ts) - starts[0]!).toBeLessThan(900);
    expect(r.result.metrics.wallTime).toBeGreaterThanOrEqual(1.9);
    // The result names the window as what three of them waited for: ~1 s, ~1 s and ~2 s.
    const rate = r.result.waits.find((w: any) => w.limit === 'rate');
    expect(rate).toMatchObject({ name: 'llm', capacity: 2, per: 1, tasks: 3 });
    expect(rate.seconds).toBeGreaterThanOrEqual(3.7);
    expect(rate.longest.seconds).toBeGreaterThanOrEqual(1.9);
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: r.dir }).stdout);
    // Which of them waits depends on the estimates the run just recorded; when is the rule's.
    expect(plan.tasks.filter((t: any) => t.id.startsWith('ask')).map((t: any) => t.start).sort()).toEqual([0, 0, 1, 1, 2]);
  });

  it('is checked by lint', () => {
    const dir = tempProject({ 'workflow.yaml': workflow.replace('rateLimit: { requests: 2, per: 1s }', 'rateLimit: { requests: 0 }') });
    const r = cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '4:38 agents.llm.rateLimit is missing the required key "per"',
      '4:61 agents.llm.rateLimit.requests must be at least 1, got 0',
    ]);
    writeFileSync(join(dir, 'workflow.yaml'), workflow.replace('per: 1s', 'per: 0'));
    const zero = JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics;
    expect(zero.map((d: any) => `${d.code} ${d.message}`)).toEqual(['bad-duration agents.llm.rateLimit.per must be greater than 0: a rate limit needs a window']);
  });
});
