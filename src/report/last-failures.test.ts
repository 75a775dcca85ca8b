import { describe, expect, it } from 'vitest';
import type { ReportData } from '../store/queries.js';
import { REPORT_TAILS } from './last-failures.js';
import { formatRunReport } from './run-report-html.js';
import { formatJunitReport } from './run-report-junit.js';

/** A run whose `n` tasks each failed once, printing two lines. */
function failedRun(n: number): ReportData {
  const ids = Array.from({ length: n }, (_, k) => `t${k}`);
  return {
    run: { id: 'r1', workflow: 'w', file: '/p/w.yaml', content_hash: '', started_at: '2026-11-29T00:00:00.000Z', finished_at: '2026-11-29T00:00:01.000Z', status: 'failed', concurrency: 8, resumed_from: null, wall_time: 1, serial_time: 1, cost: 0, runner_pid: null, runner_host: null, runner_started: null, inputs: null },
    serialTime: 1,
    tasks: ids.map((id) => ({ id, agent: null, status: 'failed', reason: 'exit code 1', attempts: 1, durationMs: 10, queueWaitMs: 0, cost: 0, needs: [], summary: null })),
    attempts: ids.map((id) => ({ taskId: id, attempt: 1, status: 'failed', startedAt: '2026-11-29T00:00:00.000Z', finishedAt: '2026-11-29T00:00:00.010Z', durationMs: 10, queueWaitMs: 0, errorMessage: 'exit code 1', tail: [`oops in ${id}`, 'attempt 1 failed: exit code 1'] })),
    services: [],
    waits: [],
    approvalWait: 0,
  };
}

describe('the failures of a report', () => {
  it('carry the last lines of the first failures only, and say where the others are', () => {
    const n = REPORT_TAILS + 2;
    const html = formatRunReport(failedRun(n), []);
    expect(html.match(/<h3 class="failure-of">/g)).toHaveLength(n);
    expect(html.match(/<pre class="summary">oops in t\d+/g)).toHaveLength(REPORT_TAILS);
    expect(html).toContain(`The last lines of the 2 failures after the first ${REPORT_TAILS} are not shown`);
    const junit = formatJunitReport(failedRun(n));
    expect(junit.match(/its last lines:\noops in t\d+/g)).toHaveLength(REPORT_TAILS);
    expect(junit.match(/\(its last lines are in its log/g)).toHaveLength(2);
  });

  it('carry every failure\'s last lines when there are no more than that', () => {
    expect(formatRunReport(failedRun(3), [])).not.toContain('are not shown');
    expect(formatJunitReport(failedRun(3)).match(/its last lines:\n/g)).toHaveLength(3);
  });
});
