import type { Workflow } from '../workflow/model.js';
import type { RunResult } from './result.js';
import { resolve } from 'node:path';
import { formatDuration } from '../util/duration.js';

/**
 * Fills `merged`: a one-line human summary of the outcome, and the
 * artifacts that tasks running at the same time both wrote. Adds the
 * reasons a run failed that only the whole result shows.
 */
export function summarizeOutcome(result: RunResult, workflow: Workflow, { budgetSkips, refusedRetries }: { budgetSkips: number; refusedRetries: number }): void {
  const count = (status: string) => result.tasks.filter((t) => t.status === status).length;
  if (budgetSkips) result.reasons.push(`${budgetSkips} task${budgetSkips === 1 ? ' was' : 's were'} skipped because ${budgetSkips === 1 ? 'its' : 'their'} cost would have gone over the cost budget of ${workflow.policy.costBudget}`);
  if (refusedRetries) result.reasons.push(`${refusedRetries} task${refusedRetries === 1 ? '' : 's'} could not retry because another attempt would have gone over the cost budget of ${workflow.policy.costBudget}`);
  const failedGates = result.tasks.filter((t) => t.gate && t.status === 'failed').map((t) => t.id);
  if (failedGates.length) result.reasons.push(`quality gate failed: ${failedGates.join(', ')}`);
  const failed = result.tasks.filter((t) => t.status === 'failed' && !t.allowedFailure).map((t) => t.id);
  if (failed.length && !failedGates.length) result.reasons.push(`failed: ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ', ...' : ''}`);
  const parts = [`${count('succeeded')} of ${result.tasks.length} tasks succeeded`];
  for (const status of ['failed', 'skipped', 'cancelled']) if (count(status)) parts.push(`${count(status)} ${status}`);
  // Nothing ran (all up to date, reused or skipped): there is no speedup to speak of. A wait for a person is said apart.
  const notes = [
    ...(result.metrics.serialTime > 0 ? [`${result.metrics.speedupVsSerial.toFixed(2)}x vs serial`] : []),
    ...(result.metrics.approvalWaitTime > 0 ? [`${formatDuration(result.metrics.approvalWaitTime)} waiting for approval`] : []),
  ];
  const noted = notes.length ? ` (${notes.join('; ')})` : '';
  result.merged.summary = `${result.workflow} ${result.status}: ${parts.join(', ')} in ${formatDuration(result.metrics.wallTime)}${noted}${result.reasons.length ? `; ${result.reasons.join('; ')}` : ''}`;

  const writers = new Map<string, Array<{ id: string; start: number; end: number }>>();
  for (const t of result.tasks) {
    if (t.status !== 'succeeded' || !t.startedAt || !t.finishedAt) continue;
    const spec = workflow.tasks[workflow.taskIndex.get(t.id)!]!;
    for (const artifact of t.artifacts) {
      const key = resolve(spec.cwd, artifact);
      const list = writers.get(key) ?? [];
      list.push({ id: t.id, start: Date.parse(t.startedAt), end: Date.parse(t.finishedAt) });
      writers.set(key, list);
    }
  }
  for (const [artifact, list] of writers) {
    const overlapping = new Set<string>();
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        if (list[a]!.start < list[b]!.end && list[b]!.start < list[a]!.end) overlapping.add(list[a]!.id).add(list[b]!.id);
      }
    }
    if (overlapping.size) result.merged.conflicts.push({ artifact, tasks: [...overlapping] });
  }
}
