import type { ReportData } from '../store/queries.js';
import { REPORT_SUMMARY_BYTES, summariesWithin } from './task-summaries.js';
import { lastFailures, REPORT_TAILS, whyItFailed } from './last-failures.js';

/** What marks a file as one of ours (an earlier report may be replaced; nothing else is). */
export const JUNIT_MARK = '<!-- generator: orchestrate report -->';

function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest is escaped.
  return text.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

/**
 * A run as a JUnit XML report, the format CI systems (GitLab, Jenkins,
 * CircleCI, Azure Pipelines, Buildkite) show as test results: one test case
 * per task, a failed task a <failure> with its last attempt's message and
 * last lines, a skipped one <skipped>, a cancelled one an <error>.
 * Everything in it comes from the history, so it is masked.
 */
export function formatJunitReport(data: ReportData): string {
  const { run, tasks, attempts } = data;
  const lastError = lastFailures(attempts);
  const count = (status: string) => tasks.filter((t) => t.status === status).length;
  const wall = run.wall_time ?? 0;
  const suite = `tests="${tasks.length}" failures="${count('failed')}" errors="${count('cancelled')}" skipped="${count('skipped')}" time="${wall.toFixed(3)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    JUNIT_MARK,
    `<testsuites name="orchestrate" ${suite}>`,
    `  <testsuite name="${escapeXml(run.workflow)}" ${suite} timestamp="${escapeXml(run.started_at)}" id="${escapeXml(run.id)}">`,
  ];
  const { shown } = summariesWithin(tasks, REPORT_SUMMARY_BYTES);
  let failures = 0;
  for (const t of tasks) {
    const open = `    <testcase classname="${escapeXml(run.workflow)}" name="${escapeXml(t.id)}" time="${seconds(t.durationMs)}"`;
    const error = lastError.get(t.id);
    const why = escapeXml(error?.message ?? t.reason ?? t.status);
    const inner: string[] = [];
    if (t.status === 'failed') {
      // Its last lines, as the run's summary showed them: what CI shows beside a failed test, as a test's stack trace.
      const tail = !error?.tail.length ? '' : ++failures <= REPORT_TAILS ? `\n\nits last lines:\n${error.tail.join('\n')}` : `\n\n(its last lines are in its log: this file holds those of the first ${REPORT_TAILS} failures)`;
      inner.push(`      <failure message="${why}" type="failed">${escapeXml(`${whyItFailed(t, error)}${tail}`)}</failure>`);
    } else if (t.status === 'skipped') inner.push(`      <skipped message="${escapeXml(t.reason ?? 'skipped')}"/>`);
    else if (t.status === 'cancelled') inner.push(`      <error message="${escapeXml(`cancelled: ${t.reason ?? 'cancelled'}`)}" type="cancelled"/>`);
    // What the task wrote for people ($ORCHESTRATE_SUMMARY): CI systems show a test case's output beside it.
    if (t.summary) inner.push(`      <system-out>${escapeXml(shown.has(t) ? t.summary : `(its summary is not in this file, which holds at most ${REPORT_SUMMARY_BYTES / 1024 / 1024} MB of summaries: it is in ${t.id}'s .summary.md file beside its log)`)}</system-out>`);
    lines.push(...(inner.length ? [`${open}>`, ...inner, '    </testcase>'] : [`${open}/>`]));
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
