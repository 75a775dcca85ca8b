import type { TaskSelection } from '../store/queries.js';
import { shellWord } from '../util/shell-word.js';

/**
 * The command that resumes a run: the same file, selection of tasks and
 * per-run policy flags, `--resume` and the run's id by its random part. Its
 * inputs need not be given again (a resume keeps them).
 */
export function resumeCommand(file: string, selection: TaskSelection, state: string | undefined, runId: string): string {
  const words = ['orchestrate', 'run', file, ...(selection.tasks ?? [])];
  if (selection.only !== undefined) words.push('--only', selection.only);
  if (selection.since !== undefined) words.push('--since', selection.since);
  if (selection.config !== undefined) words.push('-c', selection.config);
  if (selection.failFast) words.push('--fail-fast');
  if (selection.keepGoing) words.push('--keep-going');
  // Seconds, as a duration may be written.
  if (selection.timeout !== undefined) words.push('--timeout', String(selection.timeout));
  if (selection.budget !== undefined) words.push('--budget', String(selection.budget));
  if (state !== undefined) words.push('--state', state);
  words.push('--resume', runId.slice(runId.indexOf('-') + 1));
  return words.map(shellWord).join(' ');
}
