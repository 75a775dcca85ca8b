import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import type { WorkflowFile } from './schema-types.js';
import { hasTemplate } from './templates.js';

/** A `shell` value as the words of the program to run: `bash -euo pipefail -c` -> `['bash', '-euo', 'pipefail', '-c']`. */
export function shellWords(shell: string): string[] {
  return shell.trim().split(/\s+/);
}

/** Whether a task's shell is the default `sh -c`. */
export function isDefaultShell(shell: readonly string[]): boolean {
  return shell.length === 2 && shell[0] === 'sh' && shell[1] === '-c';
}

/**
 * A `shell` (the workflow's, an agent's, a task's) names a program when the
 * workflow loads, before any template could be filled: one written with a
 * template (`shell: ${{ inputs.shell }}`) would fail every task it runs, as a
 * shell named "${{" that is not installed.
 */
export function templatedShells(raw: WorkflowFile): Diagnostic[] {
  const shells: Array<{ shell?: string; at: DocPath }> = [
    { shell: raw.shell, at: ['shell'] },
    ...Object.entries(raw.agents ?? {}).map(([name, agent]) => ({ shell: agent.shell, at: ['agents', name, 'shell'] })),
    ...Object.entries(raw.tasks ?? {}).map(([id, task]) => ({ shell: task.shell, at: ['tasks', id, 'shell'] })),
  ];
  return shells.filter(({ shell }) => shell !== undefined && hasTemplate(shell))
    .map(({ shell, at }) => error('bad-template', `\`shell\` takes no template (${JSON.stringify(shell)}): it names the program every command of it is given to, before anything is filled; write the program itself`, at));
}
