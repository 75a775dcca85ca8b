import { UsageError } from '../errors.js';

/** Splits at commas outside brackets: a matrix task's id (`build[linux,20]`) holds commas. */
function splitIds(value: string): string[] {
  const ids: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      ids.push(value.slice(from, i));
      from = i + 1;
    }
  }
  ids.push(value.slice(from));
  return ids;
}

/** A comma-separated list of task ids (`--only a,b`); given but empty is a mistake, said with the flag's name. */
export function idList(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = splitIds(value).map((s) => s.trim()).filter(Boolean);
  if (!ids.length) throw new UsageError(`${flag} needs at least one task id (comma-separated)`);
  return ids;
}
