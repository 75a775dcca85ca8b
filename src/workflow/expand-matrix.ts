import type { MatrixValue, TaskSpec } from './model.js';
import type { Task as TaskFile } from './schema-types.js';
import { visibleText } from '../util/visible-text.js';

/** Expansions above this per task are refused (`matrix-too-large`). */
export const MAX_MATRIX_EXPANSIONS = 10_000;

export type MatrixFile = NonNullable<TaskFile['matrix']>;
type Combination = Record<string, MatrixValue>;

export interface Expansion {
  id: string;
  values?: Combination;
}

/** A matrix's value lists (every key but `include` and `exclude`), in file order; its templates resolved (resolveMatrix). */
function valueLists(matrix: MatrixFile): Array<[string, MatrixValue[]]> {
  return Object.entries(matrix).filter((entry): entry is [string, MatrixValue[]] => entry[0] !== 'include' && entry[0] !== 'exclude');
}

/** The keys a matrix gives its expansions: those of its value lists, then those `include` adds. */
export function matrixKeys(matrix: MatrixFile | undefined): string[] {
  if (!matrix) return [];
  const keys = new Set(Object.keys(matrix).filter((key) => key !== 'include' && key !== 'exclude'));
  for (const extra of matrix.include ?? []) for (const key of Object.keys(extra)) keys.add(key);
  return [...keys];
}

/**
 * `review` with `{file: [a, b]}` -> `review[a]`, `review[b]`: the cross
 * product of the value lists (keys in file order), then GitHub Actions'
 * `exclude` (drop every combination an entry matches, partially is enough)
 * and `include` (add an entry's values to each original combination whose
 * own values it does not change; if there is none, the entry is a
 * combination of its own).
 */
export function expandMatrix(baseId: string, matrix: MatrixFile | undefined): Expansion[] {
  if (!matrix) return [{ id: baseId }];
  const lists = valueLists(matrix);
  let combos: Combination[] = lists.length ? [{}] : [];
  for (const [key, values] of lists) {
    const next: Combination[] = [];
    for (const combo of combos) for (const value of values) next.push({ ...combo, [key]: value });
    combos = next;
  }
  const excluded = (combo: Combination) => (matrix.exclude ?? []).some((entry) => Object.entries(entry).every(([k, v]) => combo[k] === v));
  const kept = combos.filter((combo) => !excluded(combo)).map((original) => ({ original, added: {} as Combination }));
  const extra: Combination[] = [];
  for (const entry of matrix.include ?? []) {
    const fits = kept.filter(({ original }) => Object.entries(entry).every(([k, v]) => !Object.hasOwn(original, k) || original[k] === v));
    for (const { original, added } of fits) {
      for (const [k, v] of Object.entries(entry)) if (!Object.hasOwn(original, k)) added[k] = v;
    }
    if (!fits.length) extra.push({ ...entry });
  }
  return [...kept.map(({ original, added }) => ({ ...original, ...added })), ...extra]
    .map((values) => ({ id: `${baseId}[${Object.values(values).map(idPart).join(',')}]`, values }));
}

/**
 * A matrix value as it appears in a task id: control characters (a newline,
 * a terminal escape) are written as escapes, so an id stays one line and
 * cannot drive the terminal it is printed on.
 */
function idPart(value: MatrixValue): string {
  return visibleText(String(value));
}

/** At most this many expansions (before `exclude`), computed without building them; 1 for a matrix known only at run time. */
export function matrixSize(matrix: MatrixFile | undefined): number {
  if (!matrix || dynamicKeys(matrix).length) return 1;
  const lists = valueLists(matrix);
  return (lists.length ? lists.reduce((n, [, values]) => n * values.length, 1) : 0) + (matrix.include?.length ?? 0);
}

/** The keys of a matrix whose values come from another task's output (`${{ tasks.ID.outputs.KEY }}`), known only at run time. */
export function dynamicKeys(matrix: MatrixFile | undefined): string[] {
  return Object.entries(matrix ?? {}).filter(([key, value]) => key !== 'include' && key !== 'exclude' && typeof value === 'string').map(([key]) => key);
}

/**
 * A matrix with its templates replaced by the lists their values give
 * (`render` gives the text, or undefined to leave a template as it is): a
 * JSON array of strings, numbers and booleans, or else one value per
 * non-empty line, as `git diff --name-only` prints. A problem (a JSON value
 * that is not such an array) names the key instead.
 */
export function resolveMatrix(matrix: MatrixFile, render: (template: string) => string | undefined): { matrix: MatrixFile } | { problem: { key: string; message: string } } {
  const resolved: MatrixFile = {};
  for (const [key, value] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude' || typeof value !== 'string') {
      resolved[key] = value;
      continue;
    }
    const rendered = render(value);
    if (rendered === undefined) {
      resolved[key] = value;
      continue;
    }
    const text = rendered.trim();
    let list: unknown;
    try {
      list = text.startsWith('[') || text.startsWith('{') ? JSON.parse(text) : undefined;
    } catch {
      list = undefined;
    }
    if (list === undefined) {
      resolved[key] = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
      continue;
    }
    if (!Array.isArray(list) || !list.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
      return { problem: { key, message: `matrix.${key}: ${value.trim()} is JSON but not a list of strings, numbers and booleans` } };
    }
    resolved[key] = list as MatrixValue[];
  }
  return { matrix: resolved };
}

/** The indices of each written matrix's expansions, by the matrix task's id, in their order. */
export function expansionsByMatrixTask(tasks: readonly TaskSpec[]): Map<string, number[]> {
  const byTask = new Map<string, number[]>();
  tasks.forEach((t, i) => {
    if (!t.matrix) return;
    const list = byTask.get(t.baseId);
    if (list) list.push(i);
    else byTask.set(t.baseId, [i]);
  });
  return byTask;
}
