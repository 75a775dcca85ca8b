import type { TaskSpec } from './model.js';
import { nearMiss } from '../util/suggest.js';

/** `KEY=` or `KEY<<` (the multi-line form) on a line that writes to $ORCHESTRATE_OUTPUT. */
const WRITTEN_KEY = /([A-Za-z_][A-Za-z0-9_-]*)(?:=|<<)/g;

/**
 * The output keys a task is seen to set: its `captureStdout`, the keys of its
 * `outputSchema`, and the keys its command writes on a line that names
 * `$ORCHESTRATE_OUTPUT`. A script or an agent may set others, unseen.
 */
function seenOutputs(task: TaskSpec): Set<string> {
  const seen = new Set(Object.keys(task.outputSchema ?? {}));
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
  // Output keys are letters, digits, "_" and "-": none of them means anything in a pattern.
  if (seen.has(key) || new RegExp(`(?<![\\w-])${key}(?![\\w-])`).test(producer.command)) return undefined;
  return nearMiss(key, seen);
}
