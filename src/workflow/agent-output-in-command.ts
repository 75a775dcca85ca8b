import { warning, type Diagnostic } from './diagnostics.js';
import type { Workflow } from './model.js';
import type { WorkflowFile } from './schema-types.js';
import { parseTemplate, type TemplateRef } from './templates.js';

/** The task a reference names, without an expansion's values: `review[a.ts]` → `review`. */
const baseOf = (task: string) => task.replace(/\[.*\]$/, '');

/**
 * An agent's answer put into a command — `run: gh pr create --title
 * "${{ tasks.draft.outputs.title }}"` where `draft` is an agent task, or
 * `${{ matrix.K }}` of a matrix whose `K` comes from an agent task's outputs.
 * The template is filled in before the shell reads the command, so a quote,
 * `$(...)` or `;` in what a model answered runs as code: an answer is
 * untrusted input, as actionlint takes an issue's title to be. Through `env`
 * the shell reads it as a value.
 */
export function agentOutputsInCommands(raw: WorkflowFile, workflow: Pick<Workflow, 'tasks'>): Diagnostic[] {
  const agentTasks = new Set(workflow.tasks.filter((t) => t.agent !== undefined).map((t) => t.baseId));
  const fromAgent = (ref: TemplateRef): ref is Extract<TemplateRef, { kind: 'task-output' }> => ref.kind === 'task-output' && agentTasks.has(baseOf(ref.task));
  const diagnostics: Diagnostic[] = [];
  for (const [id, task] of Object.entries(raw.tasks ?? {})) {
    if (typeof task?.run !== 'string' || !task.run.includes('${{')) continue;
    // Matrix keys whose values an agent task's outputs give.
    const answeredKeys = new Map<string, string>();
    for (const [key, values] of Object.entries(task.matrix ?? {})) {
      const source = typeof values === 'string' ? parseTemplate(values).refs.find(fromAgent) : undefined;
      if (source) answeredKeys.set(key, source.task);
    }
    for (const ref of parseTemplate(task.run).refs) {
      const answeredBy = fromAgent(ref) ? ref.task : ref.kind === 'matrix' ? answeredKeys.get(ref.key) : undefined;
      if (answeredBy === undefined || !('key' in ref)) continue;
      const what = ref.kind === 'matrix' ? `matrix value "${ref.key}", which agent task "${answeredBy}" answered,` : `output "${ref.key}" of agent task "${answeredBy}"`;
      // Named for where it comes from (`SPEC_PATH`, `MATRIX_FILE`): the key alone may be a variable the task needs (`path`, `home`).
      const variable = `${ref.kind === 'matrix' ? 'matrix' : baseOf(answeredBy)}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
      diagnostics.push({
        ...warning('agent-output-in-command', `task "${id}" puts ${what} into its command, where a quote, $(...) or ; in the answer runs as code: give it to the task in its environment (env: { ${variable}: "${ref.text}" }) and use "$${variable}"`, ['tasks', id, 'run']),
        find: ref.text,
      });
      // One warning a command: its first such template.
      break;
    }
  }
  return diagnostics;
}
