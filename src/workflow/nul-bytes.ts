import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { formatPath } from './schema-errors.js';

/** At most this many `nul-byte` errors per file: one per value is plenty. */
const MAX_REPORTED = 20;

/**
 * `nul-byte` for every string of the workflow that holds a NUL byte (`"\0"`
 * in YAML): no command, argument, environment value or path can carry one
 * to a process. `x-` keys are the user's own and are not looked at.
 */
export function nulByteProblems(document: unknown): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const visit = (value: unknown, path: DocPath): void => {
    if (problems.length >= MAX_REPORTED) return;
    if (typeof value === 'string') {
      if (value.includes('\0')) problems.push(error('nul-byte', `${formatPath(path)} holds a NUL byte (\\0), which no command, environment variable or path can carry`, path));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) if (!(path.length === 0 && key.startsWith('x-'))) visit(item, [...path, key]);
    }
  };
  visit(document, []);
  return problems;
}

