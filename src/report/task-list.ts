import type { Workflow } from '../workflow/model.js';
import { dynamicKeys } from '../workflow/expand-matrix.js';
import type { Colors } from './colors.js';
import { visibleText } from '../util/visible-text.js';

/** One task as the file declares it, with the tasks its matrix expands to. */
export interface ListedTask {
  id: string;
  description: string | null;
  agent: string | null;
  /** The tasks (as declared) it needs. */
  needs: string[];
  /** Its ids once expanded: itself, or one per matrix combination (itself for a matrix known only at run time). */
  tasks: string[];
  /** The templates of other tasks' outputs its matrix comes from at run time, if any. */
  matrixFrom: string[];
  /** At most this many of its expansions at once (`maxParallel`), if it says. */
  maxParallel: number | null;
  /** The `include` namespace it came from, for a task of an included file. */
  includedFrom: string | null;
  /** It waits for a person's approval before it starts. */
  approval: boolean;
  /** A service: its process runs while the tasks that need it do. */
  service: boolean;
}

export interface ListedInput {
  name: string;
  description: string | null;
  type: string;
  default: string | number | boolean | null;
  enum: Array<string | number | boolean> | null;
  /** Whether a run must be given it (it has no default). */
  required: boolean;
}

/** `orchestrate list --json`: what a workflow offers to run, and what it takes. */
export interface TaskList {
  workflow: string;
  file: string;
  tasks: ListedTask[];
  inputs: ListedInput[];
}

export function taskList(workflow: Workflow): TaskList {
  const byBase = new Map<string, ListedTask>();
  for (const task of workflow.tasks) {
    let listed = byBase.get(task.baseId);
    if (!listed) {
      const dynamic = task.dynamicMatrix;
      listed = { id: task.baseId, description: task.description ?? null, agent: task.agent ?? null, needs: [], tasks: [], matrixFrom: dynamicKeys(dynamic).map((k) => (dynamic![k] as string).trim()), maxParallel: task.maxParallel ?? null, includedFrom: task.includedFrom ?? null, approval: task.approval !== undefined, service: task.service !== undefined };
      byBase.set(task.baseId, listed);
    }
    listed.tasks.push(task.id);
    for (const need of task.needs) {
      const base = workflow.tasks[workflow.taskIndex.get(need)!]!.baseId;
      if (!listed.needs.includes(base)) listed.needs.push(base);
    }
  }
  const inputs = Object.entries(workflow.declaredInputs).map(([name, input]) => ({
    name,
    description: input.description ?? null,
    type: input.type ?? 'string',
    default: input.default ?? null,
    enum: input.enum ?? null,
    required: input.default === undefined,
  }));
  return { workflow: workflow.name, file: workflow.file, tasks: [...byBase.values()], inputs };
}

/** What a task or input is, after its description: agent, matrix, needs; type, choices, default. */
function taskDetails(task: ListedTask): string {
  const details: string[] = [];
  if (task.service) details.push('service');
  if (task.agent) details.push(`agent ${task.agent}`);
  const atATime = task.maxParallel !== null ? `, ${task.maxParallel} at a time` : '';
  if (task.matrixFrom.length) details.push(`matrix from ${task.matrixFrom.join(', ')}${atATime}`);
  else if (task.tasks.length > 1 || task.tasks[0] !== task.id) details.push(`matrix of ${task.tasks.length}${atATime}`);
  if (task.needs.length) details.push(`needs ${task.needs.join(', ')}`);
  if (task.approval) details.push('waits for approval');
  return details.join('; ');
}

function inputDetails(input: ListedInput): string {
  const details: string[] = [];
  if (input.enum) details.push(input.enum.map((v) => visibleText(String(v))).join(' | '));
  else if (input.type !== 'string') details.push(input.type);
  details.push(input.required ? 'required' : `default ${JSON.stringify(input.default)}`);
  return details.join('; ');
}

/** A row per entry: its name and description, a description of several lines kept in its column, then the details. */
function rows(entries: Array<[name: string, description: string | null, details: string]>, c: Colors): string {
  const width = Math.min(32, Math.max(...entries.map(([name]) => name.length)));
  return entries.map(([name, description, details]) => {
    const lines = description ? description.trimEnd().split('\n') : [''];
    const last = lines.length - 1;
    lines[last] = [lines[last], details && c.dim(description ? `(${details})` : details)].filter(Boolean).join('  ');
    const under = ' '.repeat(2 + Math.max(width, name.length) + 2);
    return lines.map((line, k) => (k === 0 ? `  ${c.bold(name.padEnd(width))}  ${line}` : `${under}${line}`).trimEnd()).join('\n');
  }).join('\n');
}

/** The text of `orchestrate list`: the tasks in file order with their descriptions, then the inputs. */
export function formatTaskList(list: TaskList, shownFile: string, c: Colors): string {
  const count = list.tasks.reduce((n, t) => n + t.tasks.length, 0);
  let out = `${c.bold(list.workflow)} (${shownFile}): ${count} task${count === 1 ? '' : 's'}\n`;
  out += `${rows(list.tasks.map((t) => [t.id, t.description, taskDetails(t)]), c)}\n`;
  if (list.inputs.length) {
    out += `\nInputs (orchestrate run -i NAME=VALUE):\n${rows(list.inputs.map((i) => [i.name, i.description, inputDetails(i)]), c)}\n`;
  }
  return out;
}
