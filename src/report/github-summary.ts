import { formatDuration } from '../util/duration.js';
import type { RunResult } from '../run/result.js';
import { escapeData, escapeProperty } from './github-commands.js';
import { githubSummaries } from './task-summaries.js';
import { approvalWaitNote } from './approval-wait-text.js';
import { notableWaitsText } from './waits-text.js';
import { printedLines } from './last-failures.js';
import { roundCost } from '../util/round-cost.js';
import { criticalAsRunText } from './run-summary.js';

/**
 * The most of the job summary the task table takes: with the tasks'
 * summaries (at most 768 KB) and the failures' last lines, what a run adds
 * stays under the 1 MiB GitHub takes from a step (more, and it takes none).
 */
const TABLE_BYTES = 128 * 1024;

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;');
}

const ICON: Record<string, string> = { succeeded: '✅', failed: '❌', skipped: '⏭️', cancelled: '⏹️' };

/**
 * A run's summary as Markdown for GitHub Actions' job summary
 * ($GITHUB_STEP_SUMMARY): the outcome, counts and times, the critical path
 * as it ran and what tasks waited for (as the console's lines), a table of the tasks, what tasks wrote to $ORCHESTRATE_SUMMARY, and each failure's last
 * log lines. Everything in it is masked.
 */
export function formatGithubSummary(result: RunResult): string {
  const m = result.metrics;
  const count = (status: string) => result.tasks.filter((t) => t.status === status).length;
  const lines = [
    `### ${ICON[result.status === 'succeeded' ? 'succeeded' : result.status === 'cancelled' ? 'cancelled' : 'failed']} orchestrate: ${cell(result.workflow)} ${result.status}`,
    '',
    `${count('succeeded')} succeeded, ${count('failed')} failed, ${count('skipped')} skipped, ${count('cancelled')} cancelled · wall ${formatDuration(m.wallTime)}${approvalWaitNote(m.approvalWaitTime)}, serial ${formatDuration(m.serialTime)}, speedup ${m.speedupVsSerial.toFixed(2)}x${m.costSpent ? ` · cost ${m.costSpent}` : ''} · run \`${result.runId}\``,
  ];
  for (const reason of result.reasons) lines.push('', `**Why:** ${cell(reason)}`);
  const critical = criticalAsRunText(result);
  if (critical) lines.push('', `**Critical path:** ${cell(critical)}`);
  const waited = notableWaitsText(result.waits, m.wallTime);
  if (waited) lines.push('', `**Waited:** ${cell(waited)}`);
  // What each task spent, when any did (an LLM run's calls): a column of its own.
  const costly = result.tasks.some((t) => t.cost > 0);
  lines.push('', `| task | status | time | attempts |${costly ? ' cost |' : ''} note |`, `| --- | --- | --- | --- |${costly ? ' --- |' : ''} --- |`);
  // GitHub takes at most 1 MiB from a step, or none of it: a run of many thousand tasks lists those that did not succeed first.
  let bytes = 0;
  let left = 0;
  const rows = result.tasks.map((t) => {
    const last = t.errors[t.errors.length - 1];
    const note = t.status === 'failed' ? last?.message ?? t.reason ?? '' : t.reason ?? '';
    return { t, row: `| ${cell(t.id)} | ${ICON[t.status] ?? ''} ${t.status} | ${t.startedAt ? formatDuration(t.durationMs / 1000) : '-'} | ${t.attempts} |${costly ? ` ${roundCost(t.cost)} |` : ''} ${cell(note)} |` };
  });
  const kept = new Set<string>();
  for (const { row } of [...rows.filter((r) => r.t.status !== 'succeeded'), ...rows.filter((r) => r.t.status === 'succeeded')]) {
    const size = Buffer.byteLength(row) + 1;
    if (bytes + size > TABLE_BYTES) {
      left++;
      continue;
    }
    bytes += size;
    kept.add(row);
  }
  // In the run's order, as the console lists them.
  for (const { row } of rows) if (kept.has(row)) lines.push(row);
  if (left) lines.push('', `_${left} more task${left === 1 ? '' : 's'} in the run's report: \`orchestrate report ${result.runId}\`._`);
  lines.push(...githubSummaries(result.tasks, cell, result.runId));
  for (const t of result.tasks.filter((x) => x.status === 'failed' && x.logTail?.length).slice(0, 10)) {
    lines.push('', `<details><summary>${cell(t.id)}: last lines of its log</summary>`, '', '```', ...t.logTail!.slice(-20).map((l) => l.replace(/```/g, "'''")), '```', '', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** GitHub shows at most this many annotations of one level (error, warning) from a step. */
const MAX_ANNOTATIONS = 10;

/** Lines of a failure's tail an annotation carries: the pull request's checks show them without a click. */
const ANNOTATION_LINES = 5;

/**
 * An error annotation per failed task, in GitHub Actions' workflow-command
 * syntax (`::error title=...::message`): shown on the run's page and its
 * summary, with the last lines the task printed. Allowed failures
 * (continueOnError) are warnings. At most 10 of each, the tenth naming the
 * rest, as GitHub shows no more from a step.
 */
export function githubAnnotations(result: RunResult): string {
  const failed = result.tasks.filter((t) => t.status === 'failed');
  return (['error', 'warning'] as const).map((level) => {
    const tasks = failed.filter((t) => (level === 'warning') === t.allowedFailure);
    // GitHub shows at most 10 annotations of a level from a step: the tenth names the rest.
    const shown = tasks.length > MAX_ANNOTATIONS ? tasks.slice(0, MAX_ANNOTATIONS - 1) : tasks;
    const lines = shown.map((t) => {
      const last = t.errors[t.errors.length - 1];
      // The runner's own closing note ("attempt 2 failed: ...") is what the message says already.
      const tail = printedLines(t.logTail ?? []).slice(-ANNOTATION_LINES);
      const message = `${last?.message ?? t.reason ?? 'failed'}${t.attempts > 1 ? ` after ${t.attempts} attempts` : ''}${t.logFile ? ` (log: ${t.logFile})` : ''}${tail.length ? `\n${tail.join('\n')}` : ''}`;
      return `::${level} title=${escapeProperty(`orchestrate: ${t.id} failed`)}::${escapeData(message)}\n`;
    });
    const rest = tasks.slice(shown.length);
    if (rest.length) {
      const named = rest.slice(0, 20).map((t) => t.id).join(', ');
      lines.push(`::${level} title=${escapeProperty(`orchestrate: ${rest.length} more tasks failed`)}::${escapeData(`${named}${rest.length > 20 ? ', ...' : ''} (the job summary and orchestrate report ${result.runId} have them all)`)}\n`);
    }
    return lines.join('');
  }).join('');
}
