import { UsageError } from '../errors.js';

/** A comma-separated list of task ids (`--only a,b`); given but empty is a mistake, said with the flag's name. */
export function idList(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length) throw new UsageError(`${flag} needs at least one task id (comma-separated)`);
  return ids;
}
