import { suggestion } from '../util/suggest.js';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { dynamicKeys, expandMatrix, resolveMatrix, type MatrixFile } from './expand-matrix.js';
import type { InputValues } from './inputs.js';
import type { Task as TaskFile } from './schema-types.js';
import { parseTemplate } from './templates.js';

/** The matrix with its keys from inputs that have values resolved into lists, and the inputs that gave them. */
export function matrixFromInputs(matrix: MatrixFile | undefined, inputs: InputValues): { matrix?: MatrixFile; problem?: { key: string; message: string }; used: Set<string> } {
  const used = new Set<string>();
  if (!matrix || !dynamicKeys(matrix).length) return { matrix, used };
  const resolved = resolveMatrix(matrix, (template) => {
    const ref = parseTemplate(template.trim()).refs[0];
    if (ref?.kind !== 'inputs' || ref.text !== template.trim() || !Object.hasOwn(inputs, ref.key)) return undefined;
    used.add(ref.key);
    return inputs[ref.key];
  });
  return { ...resolved, used };
}

/**
 * An `exclude` entry must name keys of the value lists, and something must be
 * left to run (said in terms of the inputs that gave its lists, if any); a key
 * from another task's output or an input is one template of it, and one from
 * an output is not on a task with `sources` (fingerprinted before anything runs).
 */
export function checkMatrix(baseId: string, t: TaskFile, at: DocPath, fromInputs: ReadonlySet<string>): Diagnostic[] {
  const matrix = t.matrix;
  if (!matrix) return [];
  const lists = Object.keys(matrix).filter((key) => key !== 'include' && key !== 'exclude');
  const problems: Diagnostic[] = [];
  const dynamic = dynamicKeys(matrix);
  const fromOutputs = dynamic.filter((key) => {
    const text = (matrix[key] as string).trim();
    const { refs } = parseTemplate(text);
    if (refs.length !== 1 || (refs[0]!.kind !== 'task-output' && refs[0]!.kind !== 'inputs') || refs[0]!.text !== text) {
      problems.push(error('bad-matrix', `task "${baseId}": matrix.${key} must be a list of values, or one template of another task's output (\${{ tasks.ID.outputs.KEY }}) or of an input (\${{ inputs.NAME }}); got ${JSON.stringify(text)}`, [...at, key]));
    }
    return refs[0]?.kind === 'task-output';
  });
  if (fromOutputs.length && t.sources?.length) {
    problems.push(error('bad-matrix', `task "${baseId}": its matrix comes from ${fromOutputs.length > 1 ? 'outputs' : 'an output'} known only at run time, so it cannot have \`sources\` (they are fingerprinted before anything runs)`, ['tasks', baseId, 'sources']));
  }
  (matrix.exclude ?? []).forEach((entry, i) => {
    for (const key of Object.keys(entry)) {
      if (!lists.includes(key)) {
        problems.push(error('unknown-matrix-key', `task "${baseId}": matrix.exclude names "${key}", which is not a key of the matrix${suggestion(key, lists) || (lists.length ? ` (keys: ${lists.join(', ')})` : '')}`, [...at, 'exclude', i, key], true));
      }
    }
  });
  if (!problems.length && !dynamic.length && !expandMatrix(baseId, matrix).length) {
    const why = fromInputs.size ? `its matrix has nothing to run with the value of ${[...fromInputs].map((n) => `input "${n}"`).join(' and ')}`
      : matrix.exclude?.length ? '`exclude` leaves no combination of the matrix to run' : 'the matrix has no value lists and no `include` entries: nothing to run';
    problems.push(error('empty-matrix', `task "${baseId}": ${why}`, at));
  }
  return problems;
}
