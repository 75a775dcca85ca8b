import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../run/result.js';
import { runResult, taskResult } from '../run/test-helpers.js';
import { formatGithubSummary, githubAnnotations } from './github-summary.js';

const task = taskResult;
const result = (tasks: TaskResult[]) => runResult(tasks, { status: 'failed', reasons: ['failed: broken'] });

describe('the job summary of GitHub Actions', () => {
  it('stays well under the 1 MiB GitHub takes from a step: a run of many tasks lists those that did not succeed, then as many as fit', () => {
    // 20,000 expansions of long ids, the failure last in the run's order.
    const tasks = Array.from({ length: 20_000 }, (_, i) => task(`review[src/components/module-${i}/index.test.ts]`));
    tasks.push(task('broken', { status: 'failed', errors: [{ attempt: 1, kind: 'exit-code', message: 'exit code 1' }] }));
    const text = formatGithubSummary(result(tasks));
    expect(Buffer.byteLength(text)).toBeLessThan(192 * 1024);
    const rows = text.split('\n').filter((line) => line.startsWith('| review[') || line.startsWith('| broken '));
    expect(rows.some((row) => row.startsWith('| broken | ❌ failed |'))).toBe(true);
    expect(rows.length).toBeGreaterThan(1000);
    expect(text).toContain(`\n_${tasks.length - rows.length} more tasks in the run's report: \`orchestrate report 20261126T100000Z-abcdef\`._\n`);
    // In the run's order: the failure, listed as it fits first, stays last.
    expect(rows[rows.length - 1]).toMatch(/^\| broken /);
    // A run that fits lists every task, and says nothing of more.
    const small = formatGithubSummary(result(tasks.slice(0, 10)));
    expect(small.split('\n').filter((line) => line.startsWith('| review['))).toHaveLength(10);
    expect(small).not.toContain('more task');
  });

  it('gives at most 10 annotations of each level, the tenth naming the rest, as GitHub shows no more from a step', () => {
    const failed = (id: string, allowed = false) => task(id, { status: 'failed', allowedFailure: allowed, errors: [{ attempt: 1, kind: 'exit-code', message: 'exit code 1' }] });
    const many = [...Array.from({ length: 25 }, (_, i) => failed(`f${i}`)), failed('allowed', true), task('fine')];
    const lines = githubAnnotations(result(many)).trim().split('\n');
    const errors = lines.filter((line) => line.startsWith('::error '));
    expect(errors).toHaveLength(10);
    expect(errors.slice(0, 9).map((line) => /title=orchestrate%3A (\S+) failed/.exec(line)?.[1])).toEqual(Array.from({ length: 9 }, (_, i) => `f${i}`));
    expect(errors[9]).toBe(`::error title=orchestrate%3A 16 more tasks failed::${Array.from({ length: 16 }, (_, i) => `f${i + 9}`).join(', ')} (the job summary and orchestrate report 20261126T100000Z-abcdef have them all)`);
    expect(lines.filter((line) => line.startsWith('::warning '))).toEqual(['::warning title=orchestrate%3A allowed failed::exit code 1']);
    // Ten of a level fit as they are.
    expect(githubAnnotations(result(many.slice(0, 10))).trim().split('\n').filter((line) => line.startsWith('::error title=orchestrate%3A f'))).toHaveLength(10);
  });
});
