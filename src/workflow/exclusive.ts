import { suggestion } from '../util/suggest.js';
import { error, type Diagnostic } from './diagnostics.js';
import type { InputValues } from './inputs.js';
import { runnerValue, RUNNER_KEYS } from './runner-context.js';
import type { WorkflowFile } from './schema-types.js';
import { parseTemplate, renderTemplate } from './templates.js';

/** Runs of one group run one at a time on a machine. */
export interface Exclusive {
  group: string;
  /** A new run stops the one holding the group instead of waiting for it. */
  cancelInProgress: boolean;
}

/**
 * The workflow's `exclusive`, its group named (this workflow `file` by
 * default) and filled from the input values and the runner; a template of
 * anything else, or of an input it does not declare, is a problem at it.
 */
export function resolveExclusive(raw: WorkflowFile, file: string, inputs: InputValues): { exclusive?: Exclusive; diagnostics: Diagnostic[] } {
  const spec = raw.exclusive;
  if (spec === undefined || spec === false) return { diagnostics: [] };
  const given = spec === true ? undefined : typeof spec === 'string' ? spec : spec.group;
  const cancelInProgress = typeof spec === 'object' && spec.cancelInProgress === true;
  if (given === undefined) return { exclusive: { group: file, cancelInProgress }, diagnostics: [] };
  const path = typeof spec === 'object' ? ['exclusive', 'group'] : ['exclusive'];
  const parsed = parseTemplate(given);
  const diagnostics: Diagnostic[] = parsed.errors.map((e) => ({ ...error('bad-template', `exclusive: ${e.message}`, path), find: e.text }));
  const declared = Object.keys(raw.inputs ?? {});
  for (const ref of parsed.refs) {
    const at = (d: Diagnostic): Diagnostic => ({ ...d, find: ref.text });
    if (ref.kind === 'inputs' && !declared.includes(ref.key)) {
      diagnostics.push(at(error('unknown-reference', `exclusive uses ${ref.text}, but the workflow has no input "${ref.key}"${suggestion(ref.key, declared)}`, path)));
    } else if (ref.kind === 'runner' && runnerValue(ref.key) === undefined) {
      diagnostics.push(at(error('unknown-reference', `exclusive uses ${ref.text}, but the runner context has ${RUNNER_KEYS.join(', ')}`, path)));
    } else if (ref.kind !== 'inputs' && ref.kind !== 'runner') {
      diagnostics.push(at(error('bad-template', `exclusive uses ${ref.text}, but the group is named before anything runs: it can read \${{ inputs.NAME }} and \${{ runner.KEY }} only`, path)));
    }
  }
  if (diagnostics.length) return { diagnostics };
  const group = renderTemplate(given, (ref) => (ref.kind === 'inputs' ? inputs[ref.key] : ref.kind === 'runner' ? runnerValue(ref.key) : undefined));
  return { exclusive: { group, cancelInProgress }, diagnostics };
}
