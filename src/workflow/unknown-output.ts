import type { TaskSpec, Workflow } from './model.js';
import type { WorkflowFile } from './schema-types.js';
import { warning, type Diagnostic } from './diagnostics.js';
import { nearMiss } from '../util/suggest.js';

/** `KEY=` or `KEY<<` (the multi-line form) on a line that writes to $ORCHESTRATE_OUTPUT. */
const WRITTEN_KEY = /([A-Za-z_][A-Za-z0-9_-]*)(?:=|<<)/g;

/**
 * The output keys a task is seen to set: its `captureStdout`, the keys of its
 * `outputSchema` (unless `withSchema` is false), and the keys its command
 * writes on a line that names `$ORCHESTRATE_OUTPUT`. A script or an agent may
 * set others, unseen.
 */
function seenOutputs(task: TaskSpec, withSchema = true): Set<string> {
  const seen = new Set(withSchema ? Object.keys(task.outputSchema ?? {}) : []);
  if (task.captureStdout !== undefined) seen.add(task.captureStdout);
  for (const line of task.command.split('\n')) {
    if (line.includes('ORCHESTRATE_OUTPUT')) for (const [, key] of line.matchAll(WRITTEN_KEY)) seen.add(key!);
  }
  return seen;
}

/**
 * The output of `producer` that a reference to its output `key` likely
 * meant: one it is seen to set of a near spelling, when `key` is none of
 * them and its command does not name `key` as a word at all (which a script
 * or agent could still set). Undefined when there is no such typo to tell.
 */
export function misspeltOutput(producer: TaskSpec, key: string): string | undefined {
  const seen = seenOutputs(producer);
  if (seen.has(key) || namesWord(producer.command, key)) return undefined;
  return nearMiss(key, seen);
}

/** Whether `command` names output `key` as a word, which a script or agent could then set in a way not seen. */
function namesWord(command: string, key: string): boolean {
  // Output keys are letters, digits, "_" and "-": none of them means anything in a pattern.
  return new RegExp(`(?<![\\w-])${key}(?![\\w-])`).test(command);
}

/**
 * Where a task's `field` (`['costOutput']`, `['outputSchema', KEY]`) is
 * written, and whose it is: the task's own, its agent's in this file, or an
 * agent of the config file's, shown at the task's `agent`.
 */
function writtenAt(raw: WorkflowFile, task: TaskSpec, field: readonly string[]): { path: string[]; owner: string; own: boolean; inFile: boolean } {
  const has = (holder: unknown) => field.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), holder) !== undefined;
  const own = has(raw.tasks?.[task.baseId]);
  const inFile = !own && task.agent !== undefined && has(raw.agents?.[task.agent]);
  const path = own ? ['tasks', task.baseId, ...field] : inFile ? ['agents', task.agent!, ...field] : ['tasks', task.baseId, 'agent'];
  const owner = own ? `task "${task.baseId}"` : `agent "${task.agent}"${inFile ? '' : ' (from the config file)'}`;
  return { path, owner, own, inFile };
}

/**
 * `unknown-output` for an `outputSchema` key no attempt is seen to set, of a
 * near spelling of one it is (`anwser` beside `captureStdout: answer`): each
 * attempt would fail "output was not set" and be retried to no end, an LLM
 * call each. Reported at the key where it is written (the task's or its
 * agent's schema), once.
 */
export function misspeltSchemaOutputs(raw: WorkflowFile, workflow: Pick<Workflow, 'tasks'>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const task of workflow.tasks) {
    // An included file's tasks are checked in its own file.
    if (!task.outputSchema || task.includedFrom !== undefined) continue;
    const seen = seenOutputs(task, false);
    for (const key of Object.keys(task.outputSchema)) {
      if (seen.has(key) || namesWord(task.command, key)) continue;
      const meant = nearMiss(key, seen);
      if (meant === undefined) continue;
      const { path, owner, own, inFile } = writtenAt(raw, task, ['outputSchema', key]);
      if (reported.has(path.join('\u0000'))) continue;
      reported.add(path.join('\u0000'));
      diagnostics.push(warning('unknown-output', `${owner} has an outputSchema for output "${key}", which ${own ? 'it is' : 'its tasks are'} not seen to set (did you mean "${meant}"?): every attempt would fail as output "${key}" was not set, and be retried`, path, own || inFile));
    }
  }
  return diagnostics;
}

/**
 * `unknown-output` for a `costOutput` whose output no attempt is seen to set,
 * of a near spelling of one it is (`anwser.total_cost_usd` beside
 * `captureStdout: answer`): no cost would be read, and the declared cost
 * would count while the log says why. At the key where it is written, once.
 */
export function misspeltCostOutputs(raw: WorkflowFile, workflow: Pick<Workflow, 'tasks'>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const task of workflow.tasks) {
    if (task.costOutput === undefined || task.includedFrom !== undefined) continue;
    const key = task.costOutput.split('.')[0]!;
    const meant = misspeltOutput(task, key);
    if (meant === undefined) continue;
    const { path, owner, own } = writtenAt(raw, task, ['costOutput']);
    if (reported.has(path.join('\u0000'))) continue;
    reported.add(path.join('\u0000'));
    diagnostics.push(warning('unknown-output', `${owner} reads its cost from output "${key}" (costOutput ${task.costOutput}), which ${own ? 'it is' : 'its tasks are'} not seen to set (did you mean "${meant}"?): no cost would be read there, and the declared cost would count`, path));
  }
  return diagnostics;
}
