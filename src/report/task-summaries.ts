import type { TaskResult } from '../run/result.js';
import { visibleText } from '../util/visible-text.js';

/** Said of a summary that a task which did not run shows again: that of the success it stands for. */
const REPLAYED: Record<string, string> = { reused: 'reused', 'up-to-date': 'up to date', memoized: 'memoized' };

function replayNote(t: TaskResult): string {
  const how = t.reason ? REPLAYED[t.reason] : undefined;
  return how ? ` (${how}: from an earlier run)` : '';
}

/** How much of the tasks' summaries the end of a run prints: the rest is in their files. */
const CONSOLE_TASKS = 10;
const CONSOLE_LINES = 20;

/**
 * What tasks wrote to $ORCHESTRATE_SUMMARY, for the console: each under its
 * task's id (one that did not run says that its summary is an earlier run's),
 * at most 20 lines of each and 10 tasks, pointing at the files for the rest.
 * A line's control characters are shown as escapes, so a summary cannot drive
 * the terminal. Empty when no task wrote one.
 */
export function consoleSummaries(tasks: readonly TaskResult[], dim: (text: string) => string, logDir: string): string[] {
  const written = tasks.filter((t) => t.summary !== undefined);
  const lines: string[] = [];
  for (const t of written.slice(0, CONSOLE_TASKS)) {
    const text = t.summary!.replace(/\r?\n$/, '').split(/\r?\n/);
    lines.push('', `▸ ${t.id}: summary${replayNote(t)}`);
    for (const line of text.slice(0, CONSOLE_LINES)) lines.push(`  |${line ? ` ${visibleText(line.replace(/\t/g, '    '))}` : ''}`);
    if (text.length > CONSOLE_LINES) lines.push(dim(`  ... ${text.length - CONSOLE_LINES} more line${text.length - CONSOLE_LINES === 1 ? '' : 's'}${t.summaryFile ? ` in ${t.summaryFile}` : ''}`));
  }
  if (written.length > CONSOLE_TASKS) lines.push('', dim(`... and ${written.length - CONSOLE_TASKS} more task summaries, in ${logDir} (*.summary.md)`));
  return lines;
}

/** The most of the tasks' summaries added to GitHub's job summary, which takes at most 1 MiB from a step. */
const GITHUB_BYTES = 768 * 1024;

/**
 * The most of the tasks' summaries a report holds (the HTML page, the JUnit
 * file): a page is read by people, and hundreds of summaries of up to 1 MB
 * each would make a text longer than a string may be. The rest stay in their files.
 */
export const REPORT_SUMMARY_BYTES = 16 * 1024 * 1024;

/**
 * Which of these tasks' summaries fit in `budget` bytes, in order: the first
 * that does not fit and every one after it are left out (counted), so that
 * what is shown is a beginning, not a selection.
 */
export function summariesWithin<T extends { summary?: string | null }>(tasks: readonly T[], budget: number): { shown: Set<T>; left: number } {
  const shown = new Set<T>();
  let bytes = 0;
  let left = 0;
  for (const t of tasks) {
    if (!t.summary) continue;
    const size = Buffer.byteLength(t.summary);
    if (left || bytes + size > budget) left++;
    else {
      bytes += size;
      shown.add(t);
    }
  }
  return { shown, left };
}

/**
 * What tasks wrote to $ORCHESTRATE_SUMMARY, for GitHub Actions' job summary:
 * each under a heading with its task's id, as the Markdown it is (GitHub
 * renders it, as it renders $GITHUB_STEP_SUMMARY). Summaries that would take
 * the job summary past GitHub's limit are left out, saying where they are.
 */
export function githubSummaries(tasks: readonly TaskResult[], heading: (id: string) => string, runId: string): string[] {
  const lines: string[] = [];
  const { shown, left } = summariesWithin(tasks, GITHUB_BYTES);
  for (const t of shown) lines.push('', `#### ${heading(t.id)}${replayNote(t)}`, '', t.summary!.replace(/\s+$/, ''));
  if (left) lines.push('', `_${left} more task ${left === 1 ? 'summary is' : 'summaries are'} in the run's report: \`orchestrate report ${runId}\`._`);
  return lines;
}
