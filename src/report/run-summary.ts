import { formatDuration } from '../util/duration.js';
import { approvalWaitNote } from './approval-wait-text.js';
import { HARMLESS_SKIPS, type RunResult } from '../run/result.js';
import { criticalPathAsRun } from '../analysis/critical-path-as-run.js';
import { colors as makeColors } from './colors.js';
import { consoleSummaries } from './task-summaries.js';
import { notableWaitsText } from './waits-text.js';

/** The plan's wall time; `guessed` when it rests on default estimates only (none written, no history yet). */
export interface PlannedWall {
  wall: number;
  guessed?: boolean;
  /** How the plan counted each matrix from outputs that it planned to run: as so many recorded expansions, or (null) as one task. */
  expansions?: Record<string, number | null>;
}

/** `; review had 30 expansions, planned as 3` for each matrix from outputs that expanded otherwise than the plan counted it. */
function expansionsNote(result: RunResult, planned: PlannedWall): string {
  const notes = Object.entries(planned.expansions ?? {}).flatMap(([group, count]) => {
    // What the plan counts: not the expansions a false `when` skipped.
    const had = result.tasks.filter((t) => t.id.startsWith(`${group}[`) && t.reason !== 'condition').length;
    if (!had || had === count) return [];
    return [`${group} had ${had} expansion${had === 1 ? '' : 's'}, planned as ${count === null ? 'one task' : count}`];
  });
  return notes.map((note) => `; ${note}`).join('');
}

/** The end-of-run summary: counts, times against the plan, slowest tasks, the critical path as it ran, what tasks wrote to $ORCHESTRATE_SUMMARY, failures with log tails. */
export function formatRunSummary(result: RunResult, planned: PlannedWall | undefined, options: { color?: boolean; resumedFrom?: string; resume?: string; cpuDefault?: string } = {}): string {
  const c = makeColors(Boolean(options.color));
  const m = result.metrics;
  const count = (status: string) => result.tasks.filter((t) => t.status === status).length;
  const mark = result.status === 'succeeded' ? c.green('✔') : result.status === 'cancelled' ? c.yellow('■') : c.red('✖');
  const lines = [''];
  lines.push(`${mark} ${c.bold(`${result.workflow} ${result.status}`)} (run ${result.runId})`);
  lines.push(`  tasks      ${count('succeeded')} succeeded, ${count('failed')} failed, ${count('skipped')} skipped, ${count('cancelled')} cancelled`);
  // A wait for a person is not the run's work: said beside the wall time, and left out where the plan is compared (it counts none).
  lines.push(`  time       wall ${formatDuration(m.wallTime)}${approvalWaitNote(m.approvalWaitTime)}, serial ${formatDuration(m.serialTime)}${m.serialTime > 0 ? `, speedup ${m.speedupVsSerial.toFixed(2)}x` : ''}`);
  if (planned?.guessed) {
    lines.push(`  estimate   none yet: no task has an estimate or a history; the next plan uses this run's times`);
  } else if (planned !== undefined && planned.wall > 0) {
    const actual = m.wallTime - m.approvalWaitTime;
    const diff = ((actual - planned.wall) / planned.wall) * 100;
    lines.push(`  estimate   planned ${formatDuration(planned.wall)}, actual ${formatDuration(actual)}${m.approvalWaitTime > 0 ? ' without the wait for approval' : ''} (${diff >= 0 ? '+' : ''}${diff.toFixed(0)}%${expansionsNote(result, planned)})`);
  }
  if (options.resumedFrom) {
    const reused = result.tasks.filter((t) => t.reason === 'reused').map((t) => t.id);
    lines.push(`  resumed    from run ${options.resumedFrom}: ${reused.length} task${reused.length === 1 ? '' : 's'} reused${reused.length ? ` (${reused.slice(0, 8).join(', ')}${reused.length > 8 ? ', ...' : ''})` : ''}, the rest ran`);
  }
  const fresh = result.tasks.filter((t) => t.reason === 'up-to-date').map((t) => t.id);
  if (fresh.length) lines.push(`  up to date ${fresh.length} task${fresh.length === 1 ? '' : 's'} not run, sources unchanged (${fresh.slice(0, 8).join(', ')}${fresh.length > 8 ? ', ...' : ''}; --force runs them)`);
  const memoized = result.tasks.filter((t) => t.reason === 'memoized').map((t) => t.id);
  if (memoized.length) lines.push(`  memoized   ${memoized.length} task${memoized.length === 1 ? '' : 's'} not run, outputs of an earlier success with the same inputs (${memoized.slice(0, 8).join(', ')}${memoized.length > 8 ? ', ...' : ''}; --force runs them)`);
  const unneeded = result.tasks.filter((t) => t.reason === 'not-needed').map((t) => t.id);
  if (unneeded.length) lines.push(`  not needed ${unneeded.slice(0, 8).join(', ')}${unneeded.length > 8 ? ', ...' : ''} (service${unneeded.length === 1 ? '' : 's'} not started: no task that needs ${unneeded.length === 1 ? 'it' : 'them'} ran)`);
  const approved = result.tasks.filter((t) => t.approvedBy !== undefined);
  if (approved.length) lines.push(`  approved   ${approved.slice(0, 8).map((t) => `${t.id} by ${t.approvedBy}`).join(', ')}${approved.length > 8 ? ', ...' : ''}`);
  if (m.costEstimate || m.costSpent) lines.push(`  cost       ${m.costSpent} spent (estimated ${m.costEstimate})`);
  // Tasks that ran (a matrix from outputs spans its expansions without running itself).
  const slowest = [...result.tasks].filter((t) => t.startedAt && t.attempts > 0).sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
  if (slowest.length) lines.push(`  slowest    ${slowest.map((t) => `${t.id} ${formatDuration(t.durationMs / 1000)}`).join(', ')}`);
  const critical = criticalAsRunText(result);
  if (critical) lines.push(`  critical   ${critical}`);
  const waited = notableWaitsText(result.waits, m.wallTime);
  if (waited) lines.push(`  waited     ${waited}`);
  if (options.cpuDefault) lines.push(c.yellow(`  note       ${options.cpuDefault}`));
  const retried = result.tasks.filter((t) => t.attempts > 1);
  if (retried.length) lines.push(`  retried    ${retried.slice(0, 8).map((t) => `${t.id} (${t.attempts} attempts)`).join(', ')}`);
  for (const reason of result.reasons) lines.push(c.red(`  why        ${reason}`));
  for (const conflict of result.merged.conflicts) lines.push(c.yellow(`  conflict   ${conflict.tasks.join(' and ')} wrote ${conflict.artifact} at the same time`));
  lines.push(...consoleSummaries(result.tasks, c.dim, result.logDir));
  const failures = result.tasks.filter((t) => t.status === 'failed');
  for (const t of failures.slice(0, 10)) {
    const last = t.errors[t.errors.length - 1];
    lines.push('');
    lines.push(`${c.red('✖')} ${t.id}: ${last?.message ?? t.reason ?? 'failed'}${t.attempts > 1 ? ` after ${t.attempts} attempts` : ''}${t.allowedFailure ? ' (continueOnError)' : ''}`);
    if (t.logFile) lines.push(c.dim(`  log: ${t.logFile}`));
    for (const line of (t.logTail ?? []).slice(-10)) lines.push(c.dim(`  | ${line}`));
  }
  if (failures.length > 10) lines.push(`... and ${failures.length - 10} more failed tasks`);
  const skipped = result.tasks.filter((t) => t.status === 'skipped' && !HARMLESS_SKIPS.has(t.reason ?? ''));
  if (skipped.length) lines.push(`  skipped: ${skipped.slice(0, 10).map((t) => `${t.id} (${t.reason})`).join(', ')}${skipped.length > 10 ? ', ...' : ''}`);
  // GitHub's "re-run failed jobs": the command that runs what failed or did not run, reusing what succeeded.
  if (options.resume && result.status !== 'succeeded') lines.push(`  to resume: ${options.resume} (runs what failed or did not run, reuses what succeeded)`);
  lines.push(c.dim(`  logs and events: ${result.logDir}`));
  return `${lines.join('\n')}\n`;
}

/**
 * The critical path as it ran, as a line says it (the summary's, the job
 * summary's): `plan -> impl => review (skipped) -> cleanup (5.5s as it ran;
 * => ...)`; undefined when no task ran. `->`: needed; `=>`: waited for a
 * limit until the task before ended.
 */
export function criticalAsRunText(result: RunResult): string | undefined {
  const ran = (t: RunResult['tasks'][number]) => Boolean(t.startedAt && t.finishedAt);
  const path = criticalPathAsRun(result.tasks.map((t) => (ran(t) ? { id: t.id, needs: t.needs, start: Date.parse(t.startedAt!), end: Date.parse(t.finishedAt!), queueWait: t.queueWaitMs } : { id: t.id, needs: t.needs })));
  if (!path.tasks.length) return undefined;
  // A task on it that did not run says how it ended instead (`review (skipped)`).
  const notRun = new Map(result.tasks.filter((t) => !ran(t)).map((t) => [t.id, t.status === 'succeeded' && t.reason ? t.reason : t.status]));
  const named = path.tasks.map((id) => (notRun.has(id) ? `${id} (${notRun.get(id)})` : id));
  const arrow = (i: number) => (path.links[i - 1] === 'wait' ? ' => ' : ' -> ');
  const chain = named.length > 8
    ? `${named.slice(0, 3).map((n, i) => (i ? arrow(i) : '') + n).join('')} -> ... -> ${named.slice(-4).map((n, i) => (i ? arrow(named.length - 4 + i) : '') + n).join('')}`
    : named.map((n, i) => (i ? arrow(i) : '') + n).join('');
  const waits = path.links.includes('wait') ? '; => waited for a limit until the task before ended' : '';
  return `${chain} (${formatDuration(path.duration)} as it ran${waits})`;
}
