import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import type { InputValues } from './inputs.js';
import type { MatrixValue } from './model.js';
import type { MatrixFile } from './expand-matrix.js';
import { fillLoadTime, loadTimeDiagnostics } from './load-time-template.js';
import { hasTemplate } from './templates.js';
import { ownValue } from '../util/own-value.js';

interface ValueAt {
  text: string;
  /** The matrix key it is a value of. */
  key: string;
  path: DocPath;
  set: (value: string) => void;
}

/** The text values of a matrix's lists and of its `include` and `exclude` entries that hold a template, with their places (in `matrix`, a copy). */
function templateValues(matrix: MatrixFile, at: DocPath): ValueAt[] {
  const found: ValueAt[] = [];
  const visit = (holder: Record<string | number, MatrixValue>, place: string | number, key: string, path: DocPath) => {
    const value = holder[place];
    if (typeof value === 'string' && hasTemplate(value)) found.push({ text: value, key, path, set: (filled) => (holder[place] = filled) });
  };
  for (const [key, value] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') {
      (value as Array<Record<string, MatrixValue>>).forEach((entry, i) => {
        for (const k of Object.keys(entry)) visit(entry, k, k, [...at, key, i, k]);
      });
    } else if (Array.isArray(value)) {
      value.forEach((_, i) => visit(value as unknown as Record<number, MatrixValue>, i, key, [...at, key, i]));
    }
  }
  return found;
}

/**
 * Templates in the values of a written matrix (`os: ["${{ inputs.os }}", macos]`, an `include`
 * entry's values), filled when the workflow loads, as GitHub Actions evaluates a matrix's
 * expressions before its jobs: they may read the inputs and the runner. An input without a value
 * (lint, plan) stays as written. Anything else — an output, `env`, a param, the matrix itself, a
 * template that does not parse, an input the workflow does not declare — is a problem at the value.
 */
export function fillMatrixValueTemplates(baseId: string, matrix: MatrixFile | undefined, declared: readonly string[], inputs: InputValues, at: DocPath): { matrix?: MatrixFile; used: Set<string>; problems: Diagnostic[] } {
  const used = new Set<string>();
  if (!matrix) return { matrix, used, problems: [] };
  const copy = structuredClone(matrix);
  const problems: Diagnostic[] = [];
  const where = `task "${baseId}": a matrix value`;
  for (const value of templateValues(copy, at)) {
    const checked = loadTimeDiagnostics(value.text, declared, where, value.path, (ref) => {
      const whole = ref.kind === 'task-output' ? `; a list from another task's output is a whole key, \`${value.key}: \${{ tasks.ID.outputs.KEY }}\`` : '';
      return error('bad-matrix', `${where} uses ${ref.text}, but a matrix is expanded before anything runs: its values can read \${{ inputs.NAME }} and \${{ runner.KEY }} only${whole}`, value.path);
    });
    problems.push(...checked.diagnostics);
    if (checked.diagnostics.length) continue;
    for (const name of checked.inputs) if (ownValue(inputs, name) !== undefined) used.add(name);
    value.set(fillLoadTime(value.text, inputs));
  }
  return { matrix: copy, used, problems };
}
