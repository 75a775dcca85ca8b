import { error, type Diagnostic } from './diagnostics.js';
import type { InputValues } from './inputs.js';
import type { WorkflowFile } from './schema-types.js';
import { fillLoadTime, loadTimeDiagnostics } from './load-time-template.js';

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
  const { diagnostics } = loadTimeDiagnostics(given, Object.keys(raw.inputs ?? {}), 'exclusive', path, (ref) =>
    error('bad-template', `exclusive uses ${ref.text}, but the group is named before anything runs: it can read \${{ inputs.NAME }} and \${{ runner.KEY }} only`, path));
  if (diagnostics.length) return { diagnostics };
  return { exclusive: { group: fillLoadTime(given, inputs), cancelInProgress }, diagnostics };
}
