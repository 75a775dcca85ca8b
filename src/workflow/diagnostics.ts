/** Where a value sits in a source file; line and column start at 1. */
export interface Position {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export type Severity = 'error' | 'warning';

/** A path into the YAML document, e.g. ['tasks', 'build', 'needs', 0]. */
export type DocPath = ReadonlyArray<string | number>;

export type { DiagnosticCode } from './diagnostic-codes.js';
import type { DiagnosticCode, WarningCode } from './diagnostic-codes.js';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Where in the document; resolved to a position by the source map. */
  path?: DocPath;
  /** Point at the key of `path` rather than its value (unknown keys, ids). */
  atKey?: boolean;
  /** Text inside the value to point at (e.g. one template in a long command). */
  find?: string;
  /** Set when known directly (YAML syntax errors) or once resolved. */
  position?: Position;
}

export function error(code: DiagnosticCode, message: string, path?: DocPath, atKey = false): Diagnostic {
  return { code, severity: 'error', message, path, atKey };
}

export function warning(code: WarningCode, message: string, path?: DocPath, atKey = false): Diagnostic {
  return { code, severity: 'warning', message, path, atKey };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by position, then code, for stable output. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) =>
    (a.position?.line ?? 0) - (b.position?.line ?? 0)
    || (a.position?.column ?? 0) - (b.position?.column ?? 0)
    || a.code.localeCompare(b.code));
}
