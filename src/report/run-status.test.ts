import { describe, expect, it } from 'vitest';
import { formatRunStatus, type RunStatus } from './run-status.js';

const running: RunStatus = {
  id: 'r1', workflow: 'ci', status: 'running', startedAt: '2026-11-28T10:00:00.000Z', finishedAt: null, elapsed: 72,
  counts: { succeeded: 1, failed: 0, skipped: 0, cancelled: 0, running: 1, waiting: 30 },
  running: [{ task: 'build', attempt: 1, startedAt: '2026-11-28T10:00:31.000Z', elapsed: 41 }],
  up: [], failed: [], failures: [], awaiting: [], waits: [],
};

describe('formatRunStatus', () => {
  it('names what ready tasks wait for, the five most waited for limits, and counts the rest', () => {
    const waits: RunStatus['waits'] = [
      { limit: 'agent', name: 'claude', capacity: 2, tasks: 9 },
      { limit: 'hold', name: 'api', tasks: 4, freesIn: 40 },
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((name, k) => ({ limit: 'resource' as const, name, capacity: 1, tasks: 6 - k })),
    ];
    expect(formatRunStatus({ ...running, waits })).toBe([
      'run r1 (ci) running for 1m12s',
      '  1 succeeded, 0 failed, 0 skipped, 0 cancelled, 1 running, 30 waiting',
      '  running  build  41s',
      '  waiting  9 for agent claude: concurrency 2',
      "           4 for agent api: its API's Retry-After, 40s more",
      '           6 for resource a: capacity 1',
      '           5 for resource b: capacity 1',
      '           4 for resource c: capacity 1',
      '           and 6 for 3 more limits (--json has them all)',
      '',
    ].join('\n'));
    expect(formatRunStatus({ ...running, waits: waits.slice(0, 6) })).toContain('\n           and 3 for 1 more limit (--json has them all)\n');
    expect(formatRunStatus(running)).not.toContain('waiting  ');
  });

  it('names the first five failures with why, and the last three lines each printed, without the runner\'s closing note', () => {
    const failures: RunStatus['failures'] = [
      { task: 'lint', reason: 'exit code 2', lastLines: ['checking', 'a.ts:3: missing ;', 'b.ts:9: unused x', '2 problems', 'attempt 1 failed: exit code 2'] },
      { task: 'ask', reason: 'rejected by ana: not now', lastLines: [] },
      ...['a', 'b', 'c', 'd'].map((task) => ({ task, reason: 'exit code 1', lastLines: ['\u001b]0;title\u0007boom'] })),
    ];
    expect(formatRunStatus({ ...running, running: [], failures, failed: failures.map((f) => f.task) })).toBe([
      'run r1 (ci) running for 1m12s',
      '  1 succeeded, 0 failed, 0 skipped, 0 cancelled, 1 running, 30 waiting',
      '  failed   lint: exit code 2',
      '           | a.ts:3: missing ;',
      '           | b.ts:9: unused x',
      '           | 2 problems',
      '           ask: rejected by ana: not now',
      '           a: exit code 1',
      '           | \\u001b]0;title\\u0007boom',
      '           b: exit code 1',
      '           | \\u001b]0;title\\u0007boom',
      '           c: exit code 1',
      '           | \\u001b]0;title\\u0007boom',
      '           and 1 more (orchestrate logs --failed)',
      '',
    ].join('\n'));
  });
});
