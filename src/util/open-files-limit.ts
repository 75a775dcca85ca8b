import { readFileSync } from 'node:fs';

/**
 * This process's limit on open files (the soft one, which Node raises to the
 * hard one at its start), as Linux gives it in /proc/self/limits; undefined
 * where it cannot be read (not Linux) or there is none.
 */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const limit = Number(line?.split(/\s+/)[3]);
    return Number.isSafeInteger(limit) ? limit : undefined;
  } catch {
    return undefined;
  }
}
