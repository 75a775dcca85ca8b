import { describe, expect, it } from 'vitest';
import { formatRunStatus, type RunStatus } from './run-status.js';

const running: RunStatus = {
  id: 'r1', workflow: 'ci', status: 'running', startedAt: '2026-11-28T10:00:00.000Z', finishedAt: null, elapsed: 72,
  counts: { succeeded: 1, failed: 0, skipped: 0, cancelled: 0, running: 1, waiting: 30 },
  running: [{ task: 'build', attempt: 1, startedAt: '2026-11-28T10:00:31.000Z', elapsed: 41 }],
  up: [], failed: [], awaiting: [], waits: [],
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
});
