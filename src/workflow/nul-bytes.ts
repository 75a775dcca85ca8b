import { error, type Diagnostic } from './diagnostics.js';
import { formatPath } from './schema-errors.js';

/** At most this many `nul-byte` errors per file: one per value is plenty. */
const MAX_REPORTED = 20;

/**
 * Whether YAML text can hold a NUL byte in a value: written as one (a binary
 * file is refused before), or as an escape in a double-quoted scalar (`\0`,
 * `\x00`, `\u0000`, `\U00000000`). Most files have neither: no walk then.
 */
export function mayHoldNul(text: string): boolean {
  return /\0|\\[0xuU]/.test(text);
}

/**
 * `nul-byte` for every string of the workflow that holds a NUL byte (`"\0"`
 * in YAML): no command, argument, environment value or path can carry one
 * to a process. `x-` keys are the user's own and are not looked at.
 */
export function nulByteProblems(document: unknown): Diagnostic[] {
  const problems: Diagnostic[] = [];
  // One path, grown and shrunk as the walk goes: copied only for a problem (a large file has a million nodes).
  const path: Array<string | number> = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (problems.length >= MAX_REPORTED) return;
    if (typeof value === 'string') {
      if (value.includes('\0')) problems.push(error('nul-byte', `${formatPath(path)} holds a NUL byte (\\0), which no command, environment variable or path can carry`, [...path]));
      return;
    }
    // An alias repeats a node: it is looked at once.
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
    for (const [key, item] of entries) {
      if (path.length === 0 && typeof key === 'string' && key.startsWith('x-')) continue;
      path.push(key);
      visit(item);
      path.pop();
    }
  };
  visit(document);
  return problems;
}
