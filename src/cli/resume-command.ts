import type { TaskSelection } from '../store/queries.js';
import { shellWord } from '../util/shell-word.js';

/**
 * The command that resumes a run: the same file and selection of tasks,
 * `--resume` and the run's id by its random part. Its inputs need not be
 * given again (a resume keeps them).
 */
export function resumeCommand(file: string, selection: TaskSelection, state: string | undefined, runId: string): string {
  const words = ['orchestrate', 'run', file, ...(selection.tasks ?? [])];
  if (selection.only !== undefined) words.push('--only', selection.only);
  if (selection.since !== undefined) words.push('--since', selection.since);
  if (selection.config !== undefined) words.push('-c', selection.config);
  if (state !== undefined) words.push('--state', state);
  words.push('--resume', runId.slice(runId.indexOf('-') + 1));
  return words.map(shellWord).join(' ');
}
