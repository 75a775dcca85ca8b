import type { MatrixValue } from './model.js';

/** Expansions above this per task are refused (`matrix-too-large`). */
export const MAX_MATRIX_EXPANSIONS = 10_000;

export interface Expansion {
  id: string;
  values?: Record<string, MatrixValue>;
}

/** `review` with `{file: [a, b]}` -> `review[a]`, `review[b]` (cross product, keys in file order). */
export function expandMatrix(baseId: string, matrix: Record<string, MatrixValue[]> | undefined): Expansion[] {
  if (!matrix) return [{ id: baseId }];
  let combos: Array<Record<string, MatrixValue>> = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    const next: Array<Record<string, MatrixValue>> = [];
    for (const combo of combos) for (const value of values) next.push({ ...combo, [key]: value });
    combos = next;
  }
  return combos.map((values) => ({ id: `${baseId}[${Object.values(values).map(idPart).join(',')}]`, values }));
}

/**
 * A matrix value as it appears in a task id: control characters (a newline,
 * a terminal escape) are written as escapes, so an id stays one line and
 * cannot drive the terminal it is printed on.
 */
function idPart(value: MatrixValue): string {
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The number of expansions, computed without building them. */
export function matrixSize(matrix: Record<string, MatrixValue[]> | undefined): number {
  if (!matrix) return 1;
  return Object.values(matrix).reduce((n, values) => n * values.length, 1);
}
