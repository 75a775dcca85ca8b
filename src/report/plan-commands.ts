import type { Plan } from '../plan/plan.js';
import type { Workflow } from '../workflow/model.js';
import { isDefaultShell } from '../workflow/shell.js';
import { visibleLine } from '../util/visible-text.js';

/** Lines of a prompt shown in the text plan; the JSON has all of it. */
const PROMPT_LINES = 3;

/**
 * The plan with what each task will run (`plan --commands`): its command as
 * loaded — matrix values, params and inputs filled, other tasks' outputs
 * still `${{ tasks.ID.outputs.KEY }}` (and the matrix values of a matrix from
 * outputs, which only its run knows) — given to its shell when that is not
 * `sh -c`, and an agent task's prompt (make -n, Taskfile's --dry).
 */
export function withCommands(plan: Plan, workflow: Workflow): Plan {
  return {
    ...plan,
    tasks: plan.tasks.map((planned) => {
      // An expansion of a matrix from outputs planned from history shows its task's, `matrix` still a template.
      const task = workflow.tasks[workflow.taskIndex.get(planned.id) ?? workflow.taskIndex.get(planned.id.slice(0, planned.id.indexOf('[')))!]!;
      return {
        ...planned,
        command: task.command,
        ...(isDefaultShell(task.shell) ? {} : { shell: task.shell }),
        ...(task.prompt !== undefined ? { prompt: task.prompt } : {}),
      };
    }),
  };
}

/** The text plan's Commands section, in planned start order (a plan made withCommands). */
export function commandsSection(plan: Plan): string[] {
  const lines = ['Commands (in planned start order; outputs of other tasks are filled when the task starts)'];
  const tasks = [...plan.tasks].sort((a, b) => a.start - b.start || a.batch - b.batch);
  for (const task of tasks) {
    const how = [task.agent !== null ? `agent ${task.agent}` : '', task.shell ? task.shell.join(' ') : '', NOT_RUN[task.estimateSource] ?? ''].filter(Boolean);
    lines.push(`  ${task.id}${how.length ? ` (${how.join('; ')})` : ''}`);
    // Shown as written, but a terminal escape in it (a printf's) as its escape, not to the terminal.
    for (const line of (task.command ?? '').replace(/\n$/, '').split('\n')) lines.push(`    ${visibleLine(line)}`);
    if (task.prompt !== undefined) {
      const prompt = task.prompt.replace(/\n$/, '').split('\n').map(visibleLine);
      lines.push(`    prompt: ${prompt[0]}`, ...prompt.slice(1, PROMPT_LINES).map((line) => `            ${line}`));
      if (prompt.length > PROMPT_LINES) lines.push(`            ... ${prompt.length - PROMPT_LINES} more line${prompt.length - PROMPT_LINES === 1 ? '' : 's'}`);
    }
  }
  return lines;
}

const NOT_RUN: Partial<Record<string, string>> = {
  reused: 'reused, not run',
  'up-to-date': 'up to date, not run',
  memoized: 'memoized, not run',
  condition: 'skipped by a false `when`',
  'on-failure': 'only on failure',
  'not-needed': 'a service no task that runs needs, not started',
};
