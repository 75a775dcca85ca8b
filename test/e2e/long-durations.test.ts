import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/background.js';
import { cli, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { executeGraph } from '../../src/index.js';

// Node's timers hold at most ~24.8 days and fire a longer delay at once. A
// workflow that says 9999999s (or asks, through Retry-After, to wait years)
// means a long time, not none.
const LONG = 3_000_000; // seconds: ~35 days

function events(dir: string, runId: string): any[] {
  return readFileSync(join(dir, '.orchestrate', 'runs', runId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

describe('durations longer than Node timers hold', () => {
  it('a workflow timeout, a task timeout and a heartbeat of ~35 days neither fire at once nor repeat', () => {
    const dir = tempProject({
      'workflow.yaml': [
        'version: 1',
        `policy: { timeout: ${LONG}, gracePeriod: ${LONG} }`,
        `telemetry: { heartbeat: ${LONG} }`,
        'tasks:',
        `  a: { run: sleep 0.5, timeout: ${LONG} }`,
        '  b: { run: "true", needs: a }',
        `  db: { run: sleep 30, service: { ready: "true", interval: ${LONG}, timeout: ${LONG} } }`,
        '  c: { run: "true", needs: db }',
        '',
      ].join('\n'),
    });
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('TimeoutOverflowWarning');
    const result = JSON.parse(r.stdout);
    expect(result.tasks.map((t: any) => `${t.id} ${t.status}`)).toEqual(['a succeeded', 'b succeeded', 'db succeeded', 'c succeeded']);
    // Its ready check passed on its first try: none was cut short by its timeout (which a log would say; a silent task keeps none).
    const dbLog = result.tasks.find((t: any) => t.id === 'db').logFile;
    expect(existsSync(dbLog) ? readFileSync(dbLog, 'utf8') : '').not.toContain('ready check did not finish');
    expect(events(dir, result.runId).filter((e) => e.type === 'task.heartbeat')).toEqual([]);
  });

  it('an in-process agent with a timeout and grace period of ~35 days runs to its end', async () => {
    const result = await executeGraph({
      tasks: [{ id: 'think', prompt: 'p', timeout: LONG, agent: { run: async (_prompt, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { outputs: { end: ctx.signal.aborted ? 'aborted' : 'done' } };
      } } }],
    }, { cwd: tempProject(), gracePeriod: LONG });
    expect(result.tasks.map((t) => [t.status, t.outputs])).toEqual([['succeeded', { end: 'done' }]]);
  });

  it('a Retry-After of years holds the retry and the agent (no retry at once, no busy wait) until the run is stopped', async () => {
    const dir = tempProject({
      'workflow.yaml': [
        'version: 1',
        'policy: { retry: { maxAttempts: 2, delay: 0 } }',
        'agents:',
        `  api: { command: 'echo "retry-after=99999999" >> "$ORCHESTRATE_OUTPUT"; exit 1' }`,
        'tasks:',
        '  a: { agent: api, prompt: x }',
        '  b: { agent: api, prompt: y, needs: c }',
        '  c: { run: sleep 0.3 }',
        '',
      ].join('\n'),
    });
    const run = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'simple']);
    await waitFor(() => /retry a in /.test(run.output()), 'the retry of a');
    // b is ready once c ends and then waits behind the agent's hold, as a does.
    await waitFor(() => /ok +c /.test(run.output()), 'c to end');
    await new Promise((resolve) => setTimeout(resolve, 700));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(run.stderr()).not.toContain('TimeoutOverflowWarning');
    const runId = /run (\S+):/.exec(run.output())![1]!;
    const seen = events(dir, runId);
    expect(seen.filter((e) => e.type === 'task.started').map((e) => e.taskId).sort()).toEqual(['a', 'c']);
    expect(seen.filter((e) => e.type === 'task.cancelled').map((e) => e.taskId).sort()).toEqual(['a', 'b']);
  });
});
